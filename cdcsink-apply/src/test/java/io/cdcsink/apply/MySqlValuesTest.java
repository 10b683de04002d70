package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.ColumnInfo;
import java.math.BigDecimal;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Conversions the type matrix ({@code MySqlTypesIT}) does not reach through PostgreSQL or CockroachDB: the text of
 * MySQL values as mylogical writes it (signed TIME beyond a day, {@code +00} timestamps, YEAR 0, bit strings), other
 * zone spellings, bytea's escape form, and how {@code column_type} texts parse.
 */
class MySqlValuesTest {
    private static final TableName TABLE = new TableName("db", "db", "t");
    private final MySqlValues values = new MySqlValues(new JsonCodec(), ValueFormat.TEXT);

    private Object text(String type, String value) throws SQLException {
        return values.convert(TABLE, new ColumnInfo("c", type, 0, false, false, true), TextNode.valueOf(value));
    }

    @Test
    void mylogicalTextOfMySqlValues() throws SQLException {
        assertThat(text("time(6)", "-838:59:59.000000")).isEqualTo("-838:59:59");
        assertThat(text("time(6)", "100:00:00.000001")).isEqualTo("100:00:00.000001");
        assertThat(text("time", "-00:00:00")).isEqualTo("00:00:00");
        assertThat(text("timestamp(6)", "2024-01-02 03:04:05.123456+00")).isEqualTo("2024-01-02 03:04:05.123456");
        assertThat(text("datetime(3)", "1000-01-01 00:00:00.120")).isEqualTo("1000-01-01 00:00:00.120000");
        assertThat(text("year", "0")).isEqualTo(0);
        assertThat(text("bit(64)", "1".repeat(64))).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(text("set('a','b')", "a,b")).isEqualTo("a,b");
        assertThat(text("enum('','x')", "")).isEqualTo("");
        assertThat((byte[]) text("varbinary(4)", "\\x00ff")).containsExactly(0x00, 0xff);
        assertThat(text("bigint(20) unsigned", "18446744073709551615"))
                .isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(text("tinyint(1)", "t")).isEqualTo(1L);
    }

    @Test
    void zonesAreTurnedIntoUtc() throws SQLException {
        assertThat(text("datetime(6)", "2024-01-01 00:30:00+05:30")).isEqualTo("2023-12-31 19:00:00");
        assertThat(text("datetime(6)", "1900-01-01 00:00:00-00:53:28")).isEqualTo("1900-01-01 00:53:28");
        assertThat(text("datetime(6)", "2024-01-01T00:00:00.5Z")).isEqualTo("2024-01-01 00:00:00.500000");
    }

    @Test
    void byteaEscapeForm() throws SQLException {
        assertThat((byte[]) text("blob", "a\\\\b\\000\\377")).containsExactly('a', '\\', 'b', 0, 0xff);
        assertThatThrownBy(() -> text("blob", "a\\q")).hasMessageContaining("a lone backslash");
    }

    @Test
    void refusalsNameTableColumnValueAndType() {
        assertThatThrownBy(() -> text("date", "2024-01-02 BC")).isInstanceOf(SQLException.class)
                .hasMessage("table db.db.t column c: value '2024-01-02 BC' does not fit MySQL type date: MySQL dates"
                        + " start at year 1");
        assertThatThrownBy(() -> text("datetime(6)", "infinity")).hasMessageContaining("no infinite timestamps");
        assertThatThrownBy(() -> text("datetime(0)", "2024-01-02 03:04:05.5"))
                .hasMessageContaining("more than 0 fractional digits");
        assertThatThrownBy(() -> text("datetime(6)", "0000-00-00 00:00:00")).hasMessageContaining("years 1 to 9999");
        assertThatThrownBy(() -> text("float", "0x1p3")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> text("tinytext", "é".repeat(128))).hasMessageContaining("longer than 255 bytes");
        assertThatThrownBy(() -> text("int(10) unsigned", "4294967296"))
                .hasMessageContaining("out of range 0 to 4294967295");
    }

    @Test
    void changefeedJsonColumnsTakeJsonValues() throws Exception {
        MySqlValues json = new MySqlValues(new JsonCodec(), ValueFormat.CHANGEFEED_JSON);
        JsonNode string = TextNode.valueOf("{not json}");
        assertThat(json.convert(TABLE, new ColumnInfo("c", "json", 0, false, false, true, true), string))
                .isEqualTo("\"{not json}\"");
        assertThatThrownBy(() -> values.convert(TABLE, new ColumnInfo("c", "json", 0, false, false, true, true),
                string)).hasMessageContaining("not a JSON document");
    }

    @Test
    void columnTypesParse() {
        assertThat(MySqlValues.parse("decimal(65,30) unsigned zerofill")).satisfies(t -> {
            assertThat(t.kind()).isEqualTo(MySqlValues.Kind.DECIMAL);
            assertThat(t.length()).isEqualTo(65);
            assertThat(t.scale()).isEqualTo(30);
            assertThat(t.unsigned()).isTrue();
        });
        assertThat(MySqlValues.parse("tinyint(1)").kind()).isEqualTo(MySqlValues.Kind.BOOL);
        assertThat(MySqlValues.parse("tinyint(1) unsigned").kind()).isEqualTo(MySqlValues.Kind.INTEGER);
        assertThat(MySqlValues.parse("set('a,','b')").members()).containsExactly("a,", "b");
        assertThat(MySqlValues.parse("inet6").kind()).isEqualTo(MySqlValues.Kind.OTHER);
    }
}
