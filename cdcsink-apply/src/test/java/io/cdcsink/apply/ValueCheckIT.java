package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ColumnInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every value {@link ValueCheck} vouches for must be one PostgreSQL's input function accepts: a wrong "yes" would
 * stage a value the apply then fails on. Random and edge-case inputs per type; each accepted one is cast by the
 * server, and each type must accept a good share of its inputs, so the checks are not vacuous.
 */
class ValueCheckIT {
    private static ApplyFixture fx;
    private final ValueCheck check = new ValueCheck();
    private final Random random = new Random(20261126L);

    @BeforeAll
    static void database() {
        fx = new ApplyFixture("valuecheck");
    }

    @Test
    void integersAreAcceptedInRangeAndPlainOnly() throws SQLException {
        List<String> edges = List.of("0", "-0", "32767", "32768", "-32768", "-32769", "2147483647", "2147483648",
                "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "-9223372036854775809", "007", "1.0", "+1", " 1", "", "-", "1e3", "99999999999999999999999");
        for (String type : List.of("smallint", "integer", "bigint")) {
            accepted(type, edges, r -> Long.toString(r.nextLong() >> r.nextInt(64)));
        }
        assertThat(check.check("smallint").test("32768")).isFalse();
        assertThat(check.check("bigint").test("9223372036854775807")).isTrue();
        assertThat(check.check("integer").test("+1")).isFalse();
    }

    @Test
    void decimalsStayWithinPrecisionAndScale() throws SQLException {
        List<String> edges = List.of("0", "-0", "0.5", "12345678901234.5678", "99999999999999.99995", "9999999999999",
                "9999999999999.99995", "99999.999", "999.995", "0.0001", "0.00005", "1e3", "1.", ".5", "-.5", "NaN",
                "Infinity", "00.5");
        Function<Random, String> decimal = r -> (r.nextBoolean() ? "-" : "") + digits(r, 1 + r.nextInt(20), false)
                + (r.nextBoolean() ? "." + digits(r, 1 + r.nextInt(10), true) : "");
        for (String type : List.of("numeric(18,4)", "numeric(5,2)", "numeric(10,0)", "numeric", "real",
                "double precision")) {
            accepted(type, edges, decimal);
        }
        assertThat(check.check("numeric(5,2)").test("999.995")).as("rounds to 1000.00").isFalse();
        assertThat(check.check("numeric(5,2)").test("999.99")).isTrue();
        assertThat(check.check("numeric(5,2)").test("99.995")).isTrue();
        assertThat(check.check("numeric(3,3)").test("0.999")).isTrue();
        assertThat(check.check("numeric(3,3)").test("0.9995")).as("rounds to 1.000").isFalse();
        accepted("numeric(3,3)", List.of("0.999", "0.9995", "-0.5", "0", "1.0", "0.12345"), r -> "0." + digits(r,
                1 + r.nextInt(3), true));
        assertThat(check.check("numeric").test("1e3")).isFalse();
    }

    @Test
    void textsBooleansAndUuids() throws SQLException {
        List<String> texts = List.of("", "abc", "abcde", "abcdef", "\ud83d\ude00\ud83d\ude00\ud83d\ude00", "caf\u00e9 ",
                "tab\t", "  ");
        Function<Random, String> text = r -> new String(Character.toChars(0x20 + r.nextInt(0x2000)))
                .repeat(r.nextInt(8));
        for (String type : List.of("text", "character varying", "character varying(5)", "character(3)")) {
            accepted(type, texts, text);
        }
        accepted("boolean", List.of("true", "false", "t", "f", "yes", "TRUE", "1", "on", ""),
                r -> r.nextBoolean() ? "t" : "false");
        accepted("uuid", List.of("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                        "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"),
                r -> new UUID(r.nextLong(), r.nextLong()).toString());
    }

    @Test
    void datesTimesAndTimestampsHaveValidFields() throws SQLException {
        List<String> edges = List.of("2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0000-01-01",
                "0001-01-01", "9999-12-31", "2024-13-01", "2024-00-10", "2024-1-5", "2024-01-01T24:00:00",
                "2024-01-01T23:59:60", "2024-01-01 23:59:59.9999999", "2024-01-01T00:00:00+15:59",
                "2024-01-01T00:00:00-16:00", "2024-01-01T00:00:00+0530", "2024-01-01T00:00:00+05",
                "2024-01-01T00:00:00Z", "2024-01-01T00:00:00z", "9999-12-31T23:59:59.9999999+14", "12:00:00",
                "23:59:59.999999", "24:00:00", "12:00:00+02", "12:00:00-15:59", "12:00:00.5Z", "12:00");
        Function<Random, String> date = r -> String.format("%04d-%02d-%02d", r.nextInt(10001), r.nextInt(14),
                r.nextInt(33));
        Function<Random, String> time = r -> String.format("%02d:%02d:%02d", r.nextInt(25), r.nextInt(61),
                r.nextInt(61)) + (r.nextBoolean() ? "." + digits(r, 1 + r.nextInt(10), true) : "") + zone(r);
        accepted("date", edges, date);
        for (String type : List.of("timestamp without time zone", "timestamp with time zone")) {
            accepted(type, edges, r -> date.apply(r) + (r.nextBoolean() ? "T" : " ") + time.apply(r));
        }
        for (String type : List.of("time without time zone", "time with time zone")) {
            accepted(type, edges, time);
        }
        String timestamptz = "timestamp with time zone";
        for (String yes : List.of("2024-02-29T12:34:56Z", "2024-02-29 12:34:56.123456789", "0001-01-01T00:00:00+0530",
                "9999-12-31T23:59:59-15:59", "2024-01-01T00:00:00+05")) {
            assertThat(check.check(timestamptz).test(yes)).as(yes).isTrue();
        }
        for (String no : List.of("2023-02-29T00:00:00", "2024-01-01T00:00:00+16", "2024-01-01T00:00:00+05:60",
                "2024-01-01T00:00:00.1234567890", "2024-01-01T00:00", "2024-01-01", "2024-01-01T00:00:00.",
                "2024-01-01T00:00:00+5", "2024-01-01T00:00:00+05:3", "2024-01-01T00:00:00Zx")) {
            assertThat(check.check(timestamptz).test(no)).as(no).isFalse();
        }
        assertThat(check.check("date").test("2024-02-29")).isTrue();
        assertThat(check.check("time with time zone").test("23:59:59.5-03:30")).isTrue();
    }

    @Test
    void typesWithoutACheckAndRowsTheFastPathCannotReadGoToTheServer() throws Exception {
        assertThat(check.check("interval").test("1 day")).isFalse();
        assertThat(check.check("jsonb").test("{}")).isFalse();
        assertThat(check.check("integer[]").test("{1}")).isFalse();
        List<ColumnInfo> columns = List.of(new ColumnInfo("id", "bigint", 1, false, false, false),
                new ColumnInfo("v", "text", 0, false, false, true));
        ValueCheck.Rows reader = check.forColumns(columns);
        JsonCodec json = new JsonCodec();
        assertThat(reader.convert(Row.scan(json, "{\"id\":1,\"v\":null}").orElseThrow()))
                .isTrue();
        assertThat(reader.convert(Row.scan(json, "{\"id\":1.5,\"v\":\"x\"}").orElseThrow()))
                .isFalse();
        assertThat(reader.convert(Row.scan(json, "{\"id\":1,\"v\":[1]}").orElseThrow()))
                .isFalse();
        assertThat(reader.convert(Row.scan(json, "{\"id\":\"2\",\"v\":\"y\"}").orElseThrow()))
                .as("the reader's arrays are reused").isTrue();
    }

    /**
     * Checks the edge cases and 3,000 random values of a type: every one the check accepts must cast on the server.
     * More than a hundred of the random ones must be accepted.
     */
    private void accepted(String type, List<String> edges, Function<Random, String> generator) throws SQLException {
        List<String> candidates = new ArrayList<>(edges);
        for (int i = 0; i < 3000; i++) {
            candidates.add(generator.apply(random));
        }
        List<String> yes = candidates.stream().filter(check.check(type)).toList();
        long randomYes = candidates.subList(edges.size(), candidates.size()).stream().filter(check.check(type)).count();
        assertThat(randomYes).as("random values of " + type + " the check accepts").isGreaterThan(100);
        try (Connection c = fx.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(v::" + type + ") FROM unnest(?::text[]) v")) {
            ps.setArray(1, c.createArrayOf("text", yes.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(yes.size());
            }
        } catch (SQLException e) {
            throw new AssertionError(type + ": the server refused a value the check accepted: " + culprit(type, yes), e);
        }
    }

    private static String culprit(String type, List<String> values) throws SQLException {
        try (Connection c = fx.connect(); PreparedStatement ps = c.prepareStatement("SELECT ?::" + type)) {
            for (String v : values) {
                try {
                    ps.setString(1, v);
                    ps.executeQuery().close();
                } catch (SQLException e) {
                    return "'" + v + "' (" + e.getMessage() + ")";
                }
            }
        }
        return "none found one by one";
    }

    private static String digits(Random r, int n, boolean leadingZero) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 && !leadingZero && n > 1 ? 1 + r.nextInt(9) : r.nextInt(10));
        }
        return out.toString();
    }

    private static String zone(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "";
            case 1 -> "Z";
            case 2 -> String.format("%s%02d", r.nextBoolean() ? "+" : "-", r.nextInt(17));
            case 3 -> String.format("%s%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(17), r.nextInt(61));
            default -> String.format("%s%02d%02d", r.nextBoolean() ? "+" : "-", r.nextInt(17), r.nextInt(61));
        };
    }
}
