package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresTypesTest {
    private static String type(ColumnType type, int meta, boolean unsigned, boolean text) {
        return PostgresTypes.of(new SourceColumn("c", type, meta, 0, unsigned,
                text ? Optional.of(StandardCharsets.UTF_8) : Optional.empty(), List.of()));
    }

    @Test
    void integersWidenWhereUnsignedValuesNeedIt() {
        assertThat(type(ColumnType.TINY, 0, true, false)).isEqualTo("smallint");
        assertThat(type(ColumnType.SHORT, 0, false, false)).isEqualTo("smallint");
        assertThat(type(ColumnType.SHORT, 0, true, false)).isEqualTo("integer");
        assertThat(type(ColumnType.LONG, 0, false, false)).isEqualTo("integer");
        assertThat(type(ColumnType.LONG, 0, true, false)).isEqualTo("bigint");
        assertThat(type(ColumnType.LONGLONG, 0, false, false)).isEqualTo("bigint");
        assertThat(type(ColumnType.LONGLONG, 0, true, false)).isEqualTo("numeric(20,0)");
    }

    @Test
    void decimalsAndBitsReadTheirSizesFromTheMetadata() {
        // DECIMAL(10,2): precision in the low byte, scale in the high one.
        assertThat(type(ColumnType.NEWDECIMAL, (2 << 8) | 10, false, false)).isEqualTo("numeric(10,2)");
        // BIT(13): one whole byte and five bits.
        assertThat(type(ColumnType.BIT, (1 << 8) | 5, false, false)).isEqualTo("bit(13)");
    }

    @Test
    void temporalTypesKeepTheirFractionalDigits() {
        assertThat(type(ColumnType.DATETIME_V2, 3, false, false)).isEqualTo("timestamp(3) without time zone");
        assertThat(type(ColumnType.TIMESTAMP_V2, 6, false, false)).isEqualTo("timestamp(6) with time zone");
        assertThat(type(ColumnType.TIME_V2, 0, false, false)).isEqualTo("interval");
        assertThat(type(ColumnType.DATE, 0, false, false)).isEqualTo("date");
    }

    @Test
    void textIsTextAndBytesAreBytea() {
        assertThat(type(ColumnType.VARCHAR, 80, false, true)).isEqualTo("text");
        assertThat(type(ColumnType.VARCHAR, 80, false, false)).isEqualTo("bytea");
        assertThat(type(ColumnType.BLOB, 2, false, false)).isEqualTo("bytea");
        assertThat(type(ColumnType.ENUM, 1, false, false)).isEqualTo("text");
        assertThat(type(ColumnType.JSON, 4, false, false)).isEqualTo("jsonb");
    }
}
