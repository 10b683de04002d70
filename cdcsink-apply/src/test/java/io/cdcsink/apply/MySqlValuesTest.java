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

    /**
     * The fast paths (plain integers, decimals and timestamps read without regular expressions, JSON numbers taken
     * as they were parsed) against the general reading: the same value, or the same refusal.
     */
    @Test
    void fastPathsAgreeWithTheGeneralReading() throws Exception {
        java.util.regex.Pattern number = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        String alphabet = "0123456789+-.eE x";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = random.nextInt(8); k > 0; k--) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String v = sb.toString();
            assertThat(MySqlValues.number(v)).as("seed " + seed + ": " + v).isEqualTo(number.matcher(v).matches());
        }
        // Timestamps the fast path reads, and ones it leaves to the general reading, which refuses them.
        assertThat(text("datetime(6)", "2024-02-29T23:59:59.000001")).isEqualTo("2024-02-29 23:59:59.000001");
        assertThat(text("datetime", "0001-01-01 00:00:00.000Z")).isEqualTo("0001-01-01 00:00:00");
        assertThat(text("datetime(2)", "9999-12-31 23:59:59.99")).isEqualTo("9999-12-31 23:59:59.990000");
        assertThat(text("timestamp", "1970-01-01 00:00:01")).isEqualTo("1970-01-01 00:00:01");
        for (String[] refused : new String[][] {{"datetime", "2023-02-29 00:00:00", "no such day"},
                {"datetime", "0000-01-01 00:00:00", "years 1 to 9999"},
                {"datetime", "2024-01-01 24:00:00", "no such time of day"},
                {"datetime(3)", "2024-01-01 00:00:00.0001", "more than 3 fractional digits"},
                {"datetime", "2024-01-01 00:00:00.", "not a timestamp"},
                {"datetime", "2024-01-01 00:00:00.1234567891", "not a timestamp"},
                {"datetime", "2024-1-01 00:00:00", "not a timestamp"},
                {"timestamp", "1970-01-01 00:00:00", "TIMESTAMP holds"}}) {
            assertThatThrownBy(() -> text(refused[0], refused[1])).as(refused[1]).hasMessageContaining(refused[2]);
        }
        // Integers and decimals, as text and as the JSON numbers a changefeed sends.
        MySqlValues changefeed = new MySqlValues(new JsonCodec(), ValueFormat.CHANGEFEED_JSON);
        JsonCodec json = new JsonCodec();
        for (String[] ok : new String[][] {{"tinyint", "-128", "-128"}, {"tinyint unsigned", "255", "255"},
                {"bigint", "-9223372036854775808", "-9223372036854775808"}, {"decimal(6,2)", "1234.5", "1234.50"},
                {"decimal(6,2)", "-0.0", "0.00"}, {"decimal(6,2)", "12.3400", "12.34"},
                {"decimal(6,2)", "7", "7.00"}}) {
            ColumnInfo c = new ColumnInfo("c", ok[0], 0, false, false, true);
            assertThat(text(ok[0], ok[1]).toString()).as(ok[1]).isEqualTo(ok[2]);
            assertThat(changefeed.convert(TABLE, c, json.parse(ok[1])).toString()).as(ok[1]).isEqualTo(ok[2]);
        }
        for (String[] refused : new String[][] {{"tinyint", "128", "out of range"},
                {"int unsigned", "-1", "out of range"}, {"decimal(6,2)", "12345.6", "digits before the point"},
                {"decimal(6,2)", "1.234", "decimal places"}, {"decimal(6,2) unsigned", "-1", "negative"}}) {
            ColumnInfo c = new ColumnInfo("c", refused[0], 0, false, false, true);
            assertThatThrownBy(() -> text(refused[0], refused[1])).as(refused[1]).hasMessageContaining(refused[2])
                    .hasMessageContaining("'" + refused[1] + "'");
            assertThatThrownBy(() -> changefeed.convert(TABLE, c, json.parse(refused[1]))).as(refused[1])
                    .hasMessageContaining(refused[2]).hasMessageContaining("'" + refused[1] + "'");
        }
    }
}
