package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * Decodes the binlog cells the binlog connector gets wrong: every temporal type and the year, read from the stored
 * fields, and character/binary strings kept as bytes for {@link ValueWriter} to decode with the column's charset.
 *
 * <p>The connector turns dates into instants with a hybrid Julian/Gregorian calendar (dates before 1582-10-15 move by
 * ten days), ignores the sign and the complemented fraction of negative TIME2 values, turns zero dates into null, and
 * reads MariaDB's pre-10.1 TIME/DATETIME/TIMESTAMP columns with fractional seconds with the wrong length. Here:
 * <ul>
 *   <li>DATE, DATETIME and TIME become their PostgreSQL input text ({@link TemporalText}) straight from the stored
 *   fields, zero dates included;</li>
 *   <li>TIMESTAMP becomes microseconds since 1970-01-01 UTC (a {@code Long}; 0 is MySQL's zero timestamp);</li>
 *   <li>YEAR becomes its number ({@code 0} for YEAR 0000);</li>
 *   <li>CHAR, VARCHAR, BINARY and VARBINARY become {@code byte[]}.</li>
 * </ul>
 * The old-format types carry no fractional digits in the table map; {@link TableMapDecoder} supplies them as the
 * column metadata ({@code meta}).
 */
final class BinlogCells {
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};
    /** Bytes of MariaDB's pre-10.1 ("mariadb-5.3") TIME(n), DATETIME(n) and TIMESTAMP(n) fraction, by n. */
    private static final int[] OLD_TIME_BYTES = {3, 4, 4, 5, 5, 5, 6};
    private static final int[] OLD_DATETIME_BYTES = {5, 6, 6, 7, 7, 7, 8};
    private static final int[] OLD_TIMESTAMP_FRACTION_BYTES = {0, 1, 1, 2, 2, 3, 3};
    /** 838:59:59 + 1 s: MariaDB's old TIME(n) stores value + this (in units of its precision) to stay unsigned. */
    private static final long OLD_TIME_ZERO_SECONDS = 838 * 3600 + 59 * 60 + 59 + 1;

    private BinlogCells() {
    }

    /** Whether {@link #read} decodes cells of this type (the connector decodes the others correctly). */
    static boolean decodes(ColumnType type) {
        return switch (type) {
            case DATE, TIME, TIME_V2, DATETIME, DATETIME_V2, TIMESTAMP, TIMESTAMP_V2, YEAR, STRING, VARCHAR,
                    VAR_STRING -> true;
            default -> false;
        };
    }

    /**
     * Reads one non-null cell of a type {@link #decodes} accepts.
     *
     * @param meta   the column metadata: fractional digits for temporal types, the declared length for VARCHAR
     * @param length CHAR/BINARY: the declared length in bytes
     */
    static Serializable read(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
        return switch (type) {
            case DATE -> date(in.readInteger(3));
            case DATETIME -> meta == 0 ? datetime(in.readLong(8)) : oldDatetime(in, meta);
            case DATETIME_V2 -> datetime2(in, meta);
            case TIMESTAMP -> meta == 0 ? in.readLong(4) * 1_000_000L : timestamp(in, meta, false);
            case TIMESTAMP_V2 -> timestamp(in, meta, true);
            case TIME -> meta == 0 ? time(in.readInteger(3)) : oldTime(in, meta);
            case TIME_V2 -> time2(in, meta);
            case YEAR -> {
                int stored = in.readInteger(1);
                yield stored == 0 ? 0 : 1900 + stored;
            }
            case STRING -> in.read(length < 256 ? in.readInteger(1) : in.readInteger(2));
            case VARCHAR, VAR_STRING -> in.read(meta < 256 ? in.readInteger(1) : in.readInteger(2));
            default -> throw new IllegalArgumentException("not a type decoded here: " + type);
        };
    }

    /** DATE: 3 bytes little-endian, year << 9 | month << 5 | day. */
    private static String date(int packed) {
        return TemporalText.date(packed >>> 9, (packed >>> 5) & 0xF, packed & 0x1F);
    }

    /** Old DATETIME: 8 bytes little-endian, the decimal number YYYYMMDDhhmmss. */
    private static String datetime(long packed) {
        long date = packed / 1_000_000;
        long time = packed % 1_000_000;
        return TemporalText.datetime((int) (date / 10_000), (int) (date / 100 % 100), (int) (date % 100),
                (int) (time / 10_000), (int) (time / 100 % 100), (int) (time % 100), 0, 0);
    }

    /**
     * MariaDB's old DATETIME(fsp): big-endian, the number of 10^-fsp seconds in
     * ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second.
     */
    private static String oldDatetime(ByteArrayInputStream in, int fsp) throws IOException {
        long units = bigEndian(in, OLD_DATETIME_BYTES[fsp]);
        int micros = (int) (units % POW10[fsp]) * POW10[6 - fsp];
        long rest = units / POW10[fsp];
        int second = (int) (rest % 60);
        rest /= 60;
        int minute = (int) (rest % 60);
        rest /= 60;
        int hour = (int) (rest % 24);
        rest /= 24;
        int day = (int) (rest % 32);
        rest /= 32;
        return TemporalText.datetime((int) (rest / 13), (int) (rest % 13), day, hour, minute, second, micros, fsp);
    }

    /**
     * DATETIME2: 5 bytes big-endian, sign bit (always set), 17 bits year * 13 + month, 5 bits day, 5 bits hour,
     * 6 bits minute, 6 bits second; then the fraction.
     */
    private static String datetime2(ByteArrayInputStream in, int fsp) throws IOException {
        long packed = bigEndian(in, 5) - 0x80_0000_0000L;
        int micros = fraction(in, fsp);
        long ymd = packed >> 17;
        long hms = packed & 0x1FFFF;
        long yearMonth = ymd >> 5;
        return TemporalText.datetime((int) (yearMonth / 13), (int) (yearMonth % 13), (int) (ymd & 0x1F),
                (int) (hms >> 12), (int) ((hms >> 6) & 0x3F), (int) (hms & 0x3F), micros, fsp);
    }

    /**
     * TIMESTAMP2 (and MariaDB's old TIMESTAMP(fsp), laid out alike but with its own fraction sizes): 4 bytes
     * big-endian seconds since 1970 UTC, then the fraction.
     */
    private static long timestamp(ByteArrayInputStream in, int fsp, boolean v2) throws IOException {
        long seconds = bigEndian(in, 4);
        long micros = v2 ? fraction(in, fsp)
                : bigEndian(in, OLD_TIMESTAMP_FRACTION_BYTES[fsp]) * POW10[6 - fsp];
        return seconds * 1_000_000L + micros;
    }

    /** Old TIME: 3 bytes little-endian, the signed decimal number hhhmmss. */
    private static String time(int unsigned) {
        int value = (unsigned << 8) >> 8;
        int abs = Math.abs(value);
        return TemporalText.time(value < 0, abs / 10_000, abs / 100 % 100, abs % 100, 0, 0);
    }

    /** MariaDB's old TIME(fsp): big-endian, the signed number of 10^-fsp seconds plus 838:59:59 + 1 s. */
    private static String oldTime(ByteArrayInputStream in, int fsp) throws IOException {
        long units = bigEndian(in, OLD_TIME_BYTES[fsp]) - OLD_TIME_ZERO_SECONDS * POW10[fsp];
        long abs = Math.abs(units);
        long seconds = abs / POW10[fsp];
        int micros = (int) (abs % POW10[fsp]) * POW10[6 - fsp];
        return TemporalText.time(units < 0, (int) (seconds / 3600), (int) (seconds / 60 % 60), (int) (seconds % 60),
                micros, fsp);
    }

    /**
     * TIME2: MySQL's packed time ((hours << 12 | minutes << 6 | seconds) << 24 | microseconds, negated for negative
     * times) stored big-endian with an offset. With 1 to 4 fractional digits the integer part (3 bytes, offset 2^23)
     * and the fraction are stored apart, and a negative time's fraction is stored complemented, borrowing one from the
     * integer part.
     */
    private static String time2(ByteArrayInputStream in, int fsp) throws IOException {
        long packed;
        if (fsp >= 5) {
            packed = bigEndian(in, 6) - 0x8000_0000_0000L;
        } else {
            long whole = bigEndian(in, 3) - 0x80_0000L;
            int bytes = (fsp + 1) / 2;
            long fraction = bigEndian(in, bytes);
            if (whole < 0 && fraction != 0) {
                whole++;
                fraction -= 1L << (8 * bytes);
            }
            packed = (whole << 24) + fraction * (bytes == 1 ? 10_000 : 100);
        }
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        return TemporalText.time(packed < 0, (int) ((hms >> 12) & 0x3FF), (int) ((hms >> 6) & 0x3F),
                (int) (hms & 0x3F), (int) (abs & 0xFF_FFFF), fsp);
    }

    /** The fraction of DATETIME2, TIMESTAMP2 (and non-negative TIME2) in microseconds: 1 to 3 bytes big-endian. */
    private static int fraction(ByteArrayInputStream in, int fsp) throws IOException {
        return switch (fsp) {
            case 1, 2 -> (int) bigEndian(in, 1) * 10_000;
            case 3, 4 -> (int) bigEndian(in, 2) * 100;
            case 5, 6 -> (int) bigEndian(in, 3);
            default -> 0;
        };
    }

    private static long bigEndian(ByteArrayInputStream in, int bytes) throws IOException {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = (value << 8) | in.read();
        }
        return value;
    }
}
