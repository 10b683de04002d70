package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every value goes through the applier and is read back as text. The expected side is the expected literal cast
 * through the same column type by the server, so the comparison is of values, not of spellings.
 */
class TypeRoundTripIT {
    /** A column, the JSON the changefeed would send, and the literal the stored value must equal. */
    private record Case(String column, String type, String json, String expected) {
    }

    private static final List<Case> CASES = List.of(
            new Case("i2_min", "smallint", "-32768", "-32768"),
            new Case("i2_max", "smallint", "32767", "32767"),
            new Case("i4_min", "integer", "-2147483648", "-2147483648"),
            new Case("i4_max", "integer", "2147483647", "2147483647"),
            new Case("i8_min", "bigint", "-9223372036854775808", "-9223372036854775808"),
            new Case("i8_max", "bigint", "9223372036854775807", "9223372036854775807"),
            new Case("num_long", "numeric", "1234567890123456789012345678901234567890.0123456789",
                    "1234567890123456789012345678901234567890.0123456789"),
            new Case("num_exp", "numeric", "4E+2", "400"),
            new Case("num_exp_neg", "numeric", "4E-2", "0.04"),
            new Case("num_scaled", "numeric(6,2)", "4.98765e+2", "498.77"),
            new Case("num_huge", "numeric(600,2)", "4e+50", "4" + "0".repeat(50) + ".00"),
            new Case("num_zeros", "numeric", "1.50", "1.50"),
            new Case("r4", "real", "1.5", "1.5"),
            new Case("r4_nan", "real", "\"NaN\"", "NaN"),
            new Case("r8", "double precision", "3.141592653589793", "3.141592653589793"),
            new Case("r8_big", "double precision", "1e300", "1e300"),
            new Case("r8_inf", "double precision", "\"Infinity\"", "Infinity"),
            new Case("r8_ninf", "double precision", "\"-Infinity\"", "-Infinity"),
            new Case("txt_escapes", "text", "\"quote \\\" backslash \\\\ tab \\t newline \\n '; DROP TABLE x; --\"",
                    "quote \" backslash \\ tab \t newline \n '; DROP TABLE x; --"),
            new Case("txt_unicode", "text", "\"h\\u00e9llo ✓ 😀 \\ud83d\\ude00\"", "héllo ✓ 😀 😀"),
            new Case("vc", "varchar(10)", "\"short\"", "short"),
            new Case("b_true", "boolean", "true", "true"),
            new Case("b_false", "boolean", "false", "false"),
            new Case("bin", "bytea", "\"\\\\x0001ff\"", "\\x0001ff"),
            new Case("d", "date", "\"2024-02-29\"", "2024-02-29"),
            new Case("tm", "time", "\"13:14:15.123456\"", "13:14:15.123456"),
            new Case("tmtz", "timetz", "\"13:14:15.5+02:00\"", "13:14:15.5+02"),
            new Case("ts", "timestamp", "\"2024-01-02T03:04:05.678901\"", "2024-01-02 03:04:05.678901"),
            new Case("tstz", "timestamptz", "\"2024-01-02T03:04:05.678901Z\"", "2024-01-02 03:04:05.678901+00"),
            new Case("iv", "interval", "\"1 year 2 mons 3 days 04:05:06.7\"", "P1Y2M3DT4H5M6.7S"),
            new Case("u", "uuid", "\"6ba7b810-9dad-11d1-80b4-00c04fd430c8\"", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
            new Case("ip4", "inet", "\"192.168.0.1/24\"", "192.168.0.1/24"),
            new Case("ip6", "inet", "\"::1\"", "::1"),
            new Case("jb", "jsonb", "{\"a\":[1,{\"b\":null,\"c\":[true,\"x\"]}],\"d\":1.50,\"e\":{\"f\":{}}}",
                    "{\"a\": [1, {\"b\": null, \"c\": [true, \"x\"]}], \"d\": 1.50, \"e\": {\"f\": {}}}"),
            new Case("jb_array", "jsonb", "[1,\"two\",[3]]", "[1, \"two\", [3]]"),
            new Case("jb_string", "jsonb", "\"just a string\"", "\"just a string\""),
            // A json column keeps the text as it arrived, not a normalised form.
            new Case("js", "json", "{\"k\":[1,2,{\"n\":\"v\"}]}", "{\"k\":[1,2,{\"n\":\"v\"}]}"),
            new Case("txt_arr", "text[]", "[\"a\",\"b,c\",\"with \\\"quote\\\"\",null,\"NULL\",\"{}\"]",
                    "{a,\"b,c\",\"with \\\"quote\\\"\",NULL,\"NULL\",\"{}\"}"),
            new Case("int_arr", "integer[]", "[1,-2,3]", "{1,-2,3}"),
            new Case("int_arr2", "integer[]", "[[1,2],[3,4]]", "{{1,2},{3,4}}"),
            new Case("mood", "mood", "\"happy\"", "happy"),
            new Case("other_mood", "\"Other\".\"Mood Type\"", "\"Sad \\\"one\\\"\"", "Sad \"one\""),
            new Case("mood_arr", "mood[]", "[\"ok\",\"happy\"]", "{ok,happy}"));

    private ApplyFixture fx;
    private TableName table;

    @BeforeEach
    void setUp() throws SQLException {
        fx = new ApplyFixture("types");
        String columns = CASES.stream().map(c -> "\"" + c.column() + "\" " + c.type())
                .collect(Collectors.joining(", "));
        fx.exec("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE SCHEMA \"Other\"",
                "CREATE TYPE \"Other\".\"Mood Type\" AS ENUM ('Sad \"one\"', 'Glad')",
                "CREATE TABLE all_types (id INT PRIMARY KEY, " + columns + ")");
        table = fx.table("all_types");
    }

    @Test
    void everyTypeRoundTrips() throws SQLException {
        String row = CASES.stream().map(c -> "\"" + c.column() + "\":" + c.json())
                .collect(Collectors.joining(",", "{\"id\":1,", "}"));
        fx.apply(table, List.of(Mutation.upsert(at(1), "[1]", row)));

        for (Case c : CASES) {
            List<List<String>> got = fx.rows("SELECT \"" + c.column() + "\"::text, CAST(CAST(? AS text) AS "
                    + c.type() + ")::text FROM all_types WHERE id = 1", c.expected());
            assertThat(got.get(0).get(0)).as(c.column() + " " + c.type()).isNotNull().isEqualTo(got.get(0).get(1));
        }
    }

    @Test
    void theSameRowAgainIsAnUpdateToIdenticalValues() throws SQLException {
        String row = CASES.stream().map(c -> "\"" + c.column() + "\":" + c.json())
                .collect(Collectors.joining(",", "{\"id\":1,", "}"));
        fx.apply(table, List.of(Mutation.upsert(at(1), "[1]", row)));
        String before = fx.rows("SELECT all_types::text FROM all_types").get(0).get(0);
        fx.apply(table, List.of(Mutation.upsert(at(2), "[1]", row)));
        assertThat(fx.rows("SELECT all_types::text FROM all_types")).containsExactly(List.of(before));
    }

    @Test
    void explicitNullRoundTripsForEveryType() throws SQLException {
        String row = CASES.stream().map(c -> "\"" + c.column() + "\":null")
                .collect(Collectors.joining(",", "{\"id\":2,", "}"));
        fx.apply(table, List.of(Mutation.upsert(at(1), "[2]", row)));
        String nulls = CASES.stream().map(c -> "\"" + c.column() + "\" IS NULL").collect(Collectors.joining(" AND "));
        assertThat(fx.rows("SELECT count(*) FROM all_types WHERE id = 2 AND " + nulls))
                .containsExactly(List.of("1"));
    }

    @Test
    void catalogTypesWorkInCasts() throws SQLException {
        // The type text the catalog reports must be usable in a cast, as the CockroachDB statements use it.
        List<String> casts = new ArrayList<>();
        for (ColumnInfo c : fx.catalog.table(table).orElseThrow().columns()) {
            casts.add("CAST(NULL AS " + c.type() + ")");
        }
        assertThat(fx.rows("SELECT " + String.join(", ", casts))).hasSize(1);
        assertThat(fx.catalog.table(table).orElseThrow().column("other_mood").orElseThrow().type())
                .isEqualTo("\"Other\".\"Mood Type\"");
    }
}
