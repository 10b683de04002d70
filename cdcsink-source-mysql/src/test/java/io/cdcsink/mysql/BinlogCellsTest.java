package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Binlog cells as MariaDB 10.11 wrote them (captured from its binlog, one value per table) against the text the same
 * server shows for them ({@code CAST(v AS CHAR)}, session time zone UTC). The old-format cases come from tables
 * created with {@code mysql56_temporal_format=OFF}; their metadata is the column's fractional digits, as
 * {@link TableMapDecoder} supplies it.
 */
class BinlogCellsTest {
    private static Serializable read(ColumnType type, int meta, String hex) throws IOException {
        byte[] bytes = HexFormat.of().parseHex(hex);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        Serializable value = BinlogCells.read(type, meta, 0, in);
        assertThat(in.available()).as("bytes left after reading %s %s", type, hex).isZero();
        return value;
    }

    @Test
    void datesBeforeTheGregorianReformKeepTheirFields() throws IOException {
        assertThat(read(ColumnType.DATE, 0, "4a5d0c")).isEqualTo("1582-10-10");
        assertThat(read(ColumnType.DATE, 0, "210200")).isEqualTo("0001-01-01");
        assertThat(read(ColumnType.DATE, 0, "9f1f4e")).isEqualTo("9999-12-31");
        assertThat(read(ColumnType.DATETIME_V2, 0, "9418097efb")).isEqualTo("1582-10-04 23:59:59");
        assertThat(read(ColumnType.DATETIME_V2, 6, "8003820000000001")).isEqualTo("0001-01-01 00:00:00.000001");
        assertThat(read(ColumnType.DATETIME_V2, 1, "fef3ff7efb5a")).isEqualTo("9999-12-31 23:59:59.9");
        assertThat(read(ColumnType.DATETIME, 0, "40c3775418090000")).isEqualTo("1000-01-01 00:00:00");
        assertThat(read(ColumnType.DATETIME, 2, "052c8f340a79")).isEqualTo("1582-10-10 01:02:03.45");
        assertThat(read(ColumnType.DATETIME, 5, "7fb16c205fffff")).isEqualTo("9999-12-31 23:59:59.99999");
    }

    @Test
    void negativeAndFractionalTimesArriveExactly() throws IOException {
        assertThat(read(ColumnType.TIME_V2, 0, "4b9105")).isEqualTo("-838:59:59");
        assertThat(read(ColumnType.TIME_V2, 0, "b46efb")).isEqualTo("838:59:59");
        assertThat(read(ColumnType.TIME_V2, 1, "7ffffece")).isEqualTo("-00:00:01.5");
        assertThat(read(ColumnType.TIME_V2, 2, "7f3747b2")).isEqualTo("-12:34:56.78");
        assertThat(read(ColumnType.TIME_V2, 2, "80000001")).isEqualTo("00:00:00.01");
        assertThat(read(ColumnType.TIME_V2, 3, "7ffffffff6")).isEqualTo("-00:00:00.001");
        assertThat(read(ColumnType.TIME_V2, 4, "4b9105d8f1")).isEqualTo("-838:59:58.9999");
        assertThat(read(ColumnType.TIME_V2, 5, "7feffffffff6")).isEqualTo("-01:00:00.00001");
        assertThat(read(ColumnType.TIME_V2, 6, "7fffffffffff")).isEqualTo("-00:00:00.000001");
        assertThat(read(ColumnType.TIME_V2, 6, "4b9105000000")).isEqualTo("-838:59:59.000000");
        assertThat(read(ColumnType.TIME_V2, 6, "b46efb000000")).isEqualTo("838:59:59.000000");
        // The pre-MySQL-5.6 format, and MariaDB's own old format with fractions.
        assertThat(read(ColumnType.TIME, 0, "590a80")).isEqualTo("-838:59:59");
        assertThat(read(ColumnType.TIME, 1, "01cce05f")).isEqualTo("-00:00:00.1");
        assertThat(read(ColumnType.TIME, 3, "00b407a57f")).isEqualTo("-00:00:00.001");
        assertThat(read(ColumnType.TIME, 4, "06ee8c9778")).isEqualTo("-12:00:00.5000");
        assertThat(read(ColumnType.TIME, 6, "057e7bbcf7ff")).isEqualTo("838:59:59.999999");
    }

    @Test
    void zeroDatesAreKeptAsMySqlShowsThem() throws IOException {
        assertThat(read(ColumnType.DATE, 0, "000000")).isEqualTo("0000-00-00");
        assertThat(read(ColumnType.DATE, 0, "0fc80f")).isEqualTo("2020-00-15");
        assertThat(read(ColumnType.DATETIME_V2, 3, "80000000000000")).isEqualTo("0000-00-00 00:00:00.000");
        assertThat(read(ColumnType.DATETIME, 6, "0000000000000000")).isEqualTo("0000-00-00 00:00:00.000000");
        assertThat(TemporalText.timestamp((Long) read(ColumnType.TIMESTAMP_V2, 0, "00000000"), 0))
                .isEqualTo("0000-00-00 00:00:00");
    }

    @Test
    void timestampsAreInstantsWrittenInUtc() throws IOException {
        assertThat(TemporalText.timestamp((Long) read(ColumnType.TIMESTAMP_V2, 3, "7fffffff2706"), 3))
                .isEqualTo("2038-01-19 03:14:07.999+00");
        assertThat(TemporalText.timestamp((Long) read(ColumnType.TIMESTAMP, 0, "a55d0d5e"), 0))
                .isEqualTo("2020-01-02 03:04:05+00");
        assertThat(TemporalText.timestamp((Long) read(ColumnType.TIMESTAMP, 4, "5e0d5da504d2"), 4))
                .isEqualTo("2020-01-02 03:04:05.1234+00");
        assertThat(TemporalText.timestamp((Long) read(ColumnType.TIMESTAMP, 6, "7fffffff0f423f"), 6))
                .isEqualTo("2038-01-19 03:14:07.999999+00");
    }

    @Test
    void yearZeroIsZero() throws IOException {
        assertThat(read(ColumnType.YEAR, 0, "00")).isEqualTo(0);
        assertThat(read(ColumnType.YEAR, 0, "01")).isEqualTo(1901);
        assertThat(read(ColumnType.YEAR, 0, "ff")).isEqualTo(2155);
    }

    @Test
    void everyFractionalPrecisionOfTime2RoundTripsMySqlsEncoding() throws IOException {
        // MySQL's own encoding rule (my_time_packed_to_binary), applied to every sign and precision: a negative
        // time's fraction is stored complemented and borrows one from the integer part.
        long[] samples = {0, 1, 59, 3599, 86_399, 3_020_399};
        for (int fsp = 0; fsp <= 6; fsp++) {
            int unit = (int) Math.pow(10, 6 - fsp);
            for (long seconds : samples) {
                for (int micros : new int[] {0, unit, 999_999 / unit * unit, 500_000 / unit * unit}) {
                    if (micros >= 1_000_000 || seconds == 3_020_399 && micros != 0) {
                        continue; // not a fraction of this precision, or beyond 838:59:59
                    }
                    for (boolean negative : new boolean[] {false, true}) {
                        String expected = TemporalText.time(negative && (seconds > 0 || micros > 0),
                                (int) (seconds / 3600), (int) (seconds / 60 % 60), (int) (seconds % 60), micros, fsp);
                        assertThat(read(ColumnType.TIME_V2, fsp, time2(negative, seconds, micros, fsp)))
                                .as("TIME(%d) %s", fsp, expected).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** TIME2 bytes as MySQL writes them. */
    private static String time2(boolean negative, long seconds, int micros, int fsp) {
        long hms = (seconds / 3600) << 12 | (seconds / 60 % 60) << 6 | (seconds % 60);
        long packed = (hms << 24) + micros;
        if (negative) {
            packed = -packed;
        }
        HexFormat hex = HexFormat.of();
        long intPart = packed >> 24;
        long fracPart = packed % (1L << 24); // C's remainder: negative for negative times
        return switch (fsp) {
            case 0 -> hex.toHexDigits(0x80_0000L + intPart).substring(10);
            case 1, 2 -> hex.toHexDigits(0x80_0000L + intPart).substring(10) + hex.toHexDigits((byte) (fracPart / 10_000));
            case 3, 4 -> hex.toHexDigits(0x80_0000L + intPart).substring(10) + hex.toHexDigits((short) (fracPart / 100));
            default -> hex.toHexDigits(packed + 0x8000_0000_0000L).substring(4);
        };
    }
}
