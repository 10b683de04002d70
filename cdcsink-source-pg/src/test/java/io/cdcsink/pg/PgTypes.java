package io.cdcsink.pg;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The PostgreSQL type matrix: one column per built-in type family (and user types over them), each with edge values
 * written as input text. Rows take the columns' values in turn ({@link #value}), so every value appears.
 */
final class PgTypes {
    /** A column: its name, type and edge values as input text (null writes NULL). */
    record Column(String name, String type, List<String> values) {
    }

    /** Types the matrix needs in both databases. */
    static final List<String> TYPES_DDL = List.of(
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'Quoted \"\\ \u00e9')",
            "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
            "CREATE DOMAIN doc AS jsonb",
            "CREATE TYPE pair AS (a integer, b text)");

    private static final String ASCII_AWKWARD = "tab\there\nnewline\rcr \\ backslash \\N \\. end";

    static final List<Column> COLUMNS = List.of(
            new Column("i2", "smallint", List.of("-32768", "32767", "0")),
            new Column("i4", "integer", List.of("-2147483648", "2147483647", "0")),
            new Column("i8", "bigint", List.of("-9223372036854775808", "9223372036854775807", "-1")),
            new Column("num", "numeric", List.of("NaN", "Infinity", "-Infinity", "0", "-0.000000000000000000001",
                    "123456789012345678901234567890.123456789012345678901234567890", "1e130", "1.50")),
            new Column("num_scaled", "numeric(12,4)", List.of("-99999999.9999", "0.0001", "12.5")),
            new Column("f4", "real", List.of("NaN", "Infinity", "-Infinity", "-0", "1.4e-45", "3.4028235e+38",
                    "1.17549435e-38", "0.1")),
            new Column("f8", "double precision", List.of("NaN", "Infinity", "-Infinity", "-0", "4.9e-324",
                    "1.7976931348623157e+308", "2.2250738585072014e-308", "0.1", "-1.0000000000000002")),
            new Column("cash", "money", List.of("-92233720368547758.08", "92233720368547758.07", "0.01")),
            new Column("txt", "text", List.of("", ASCII_AWKWARD, "NULL", "\\N", "\u00e9\u4e2d\ud83d\ude00 \u0001\u007f",
                    "trailing space ", " \" ' ; -- ")),
            new Column("vc", "varchar(20)", List.of("", "exactly twenty chars", "t\tb")),
            new Column("bp", "char(5)", List.of("ab", "abcde", "")),
            new Column("ch", "\"char\"", List.of("a", "\\001", "\u00e9")),
            new Column("nm", "name", List.of("a_name", "x".repeat(63))),
            new Column("bin", "bytea", List.of("\\x", "\\x00ff5c0a0d095c4e", "\\x" + "ab".repeat(100))),
            new Column("flag", "boolean", List.of("true", "false")),
            new Column("d", "date", List.of("4713-01-01 BC", "5874897-12-31", "infinity", "-infinity", "1582-10-10",
                    "2000-02-29", "0001-01-01")),
            new Column("t", "time", List.of("00:00:00", "23:59:59.999999", "24:00:00", "12:34:56.5")),
            new Column("tz", "timetz", List.of("00:00:00+15:59", "24:00:00-15:59", "12:00:00.000001+05:30")),
            new Column("ts", "timestamp", List.of("4713-01-01 00:00:00 BC", "294276-12-31 23:59:59.999999",
                    "infinity", "-infinity", "1582-10-10 12:00:00", "2024-02-29 23:59:59.5")),
            new Column("ts3", "timestamp(3)", List.of("2024-01-01 00:00:00.123", "1999-12-31 23:59:59.999")),
            new Column("tstz", "timestamptz", List.of("4713-01-01 00:00:00+00 BC", "294276-12-31 23:59:59.999999+00",
                    "infinity", "-infinity", "2024-03-31 01:59:59.999999-07", "1900-01-01 00:00:00+05:53:28")),
            new Column("iv", "interval", List.of("178000000 years", "-178000000 years", "1 day -1 second",
                    "-00:00:00.000001", "1 mon -30 days", "P1Y2M3DT4H5M6.789S", "00:00:00")),
            new Column("iv_ym", "interval year to month", List.of("1 year 2 months", "-3 months")),
            new Column("js", "json", List.of("{\"b\":1,\"a\":2,\"b\":3}", "  [ 1 , {\"x\" : null} ]  ",
                    "{\"esc\":\"\\u00e9\\n\\\"\\\\\"}", "\"just a string\"", "null", "-0", "1e400", "12.500")),
            new Column("jb", "jsonb", List.of("{\"a\": [1, {\"b\": null}], \"z\": 1.50}", "\"string\"", "null",
                    "[]", "123456789012345678901234567890.5", "{\"\u00e9\": \"\ud83d\ude00\"}", "{}")),
            new Column("doc_d", "doc", List.of("{\"k\": \"v\"}", "\"s\"", "[1, 2]")),
            new Column("i4a", "integer[]", List.of("{}", "{NULL}", "{1,NULL,-3}", "{{1,2},{3,4}}", "[0:1]={5,6}",
                    "[-2:-1][1:2]={{1,2},{3,4}}")),
            new Column("txta", "text[]", List.of("{\"a,b\",\"NULL\",NULL,\"\\\"q\\\"\",\"\",\"{}\",\"\\\\\"}",
                    "{\"tab\there\",\"new\nline\"}", "{}")),
            new Column("numa", "numeric[]", List.of("{1.50,NaN,Infinity,-0.0001}", "{}")),
            new Column("tstza", "timestamptz[]", List.of("{\"2024-01-01 00:00:00+00\",infinity,NULL}")),
            new Column("jba", "jsonb[]", List.of("{\"{\\\"a\\\": 1}\",\"[]\",NULL}")),
            new Column("mood_e", "mood", List.of("sad", "happy", "Quoted \"\\ \u00e9")),
            new Column("mood_a", "mood[]", List.of("{ok,happy}", "{\"Quoted \\\"\\\\ \u00e9\",NULL}")),
            new Column("pos", "posint", List.of("1", "2147483647")),
            new Column("pr", "pair", List.of("(1,\"x y\")", "(,)", "(-1,\"\")", "(2,\"with \"\"quote\"\" and \\\\\")")),
            new Column("r_i4", "int4range", List.of("empty", "[1,10)", "(,5]", "[3,)", "(,)")),
            new Column("r_num", "numrange", List.of("[1.5,2.25]", "empty", "(-Infinity,0)")),
            new Column("r_tstz", "tstzrange", List.of("[\"2024-01-01 00:00:00+00\",infinity)", "empty")),
            new Column("r_date", "daterange", List.of("[2024-01-01,2024-12-31]", "(,)")),
            new Column("mr_i4", "int4multirange", List.of("{}", "{[1,3),[5,7)}", "{(,0),[10,)}")),
            new Column("ip", "inet", List.of("192.168.0.1/24", "::1", "::ffff:1.2.3.4/128", "0.0.0.0/0")),
            new Column("net", "cidr", List.of("10.0.0.0/8", "2001:db8::/32", "192.168.1.128/25")),
            new Column("mac", "macaddr", List.of("08:00:2b:01:02:03", "ff:ff:ff:ff:ff:ff")),
            new Column("mac8", "macaddr8", List.of("08:00:2b:01:02:03:04:05")),
            new Column("pt", "point", List.of("(1.5,-2)", "(0,-0)", "(1e300,NaN)")),
            new Column("ln", "line", List.of("{1,-1,0}", "{0,1,2.5}")),
            new Column("seg", "lseg", List.of("[(0,0),(1,1)]")),
            new Column("bx", "box", List.of("(1,1),(0,0)", "(-1.5,2),(3,-4)")),
            new Column("pth", "path", List.of("[(0,0),(1,1),(2,0)]", "((0,0),(1,1))")),
            new Column("pg", "polygon", List.of("((0,0),(1,1),(1,0))")),
            new Column("cir", "circle", List.of("<(0,0),1.5>", "<(-1,1e-10),0>")),
            new Column("b8", "bit(8)", List.of("10101010", "00000000")),
            new Column("vb", "varbit", List.of("", "1", "1".repeat(200) + "0")),
            new Column("u", "uuid", List.of("00000000-0000-0000-0000-000000000000",
                    "ffffffff-ffff-ffff-ffff-ffffffffffff", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
            new Column("x", "xml", List.of("<a b=\"1\">x &amp; y</a>", "text only", "<?xml version=\"1.0\"?><r/>")),
            new Column("lsn", "pg_lsn", List.of("0/0", "FFFFFFFF/FFFFFFFF")),
            new Column("tsv", "tsvector", List.of("a:1A fat:2B,4C cat:5D", "")),
            new Column("tsq", "tsquery", List.of("fat & (rat | cat)", "!a <-> b")),
            new Column("o", "oid", List.of("0", "4294967295")));

    private PgTypes() {
    }

    /** The value of column {@code c} in row {@code row}: the values in turn, NULL every so often. */
    static String value(Column c, int row) {
        int n = c.values().size();
        // One row in (n + 1) is NULL, a different one per column.
        int slot = Math.floorMod(row + c.name().length(), n + 1);
        return slot == n ? null : c.values().get(slot);
    }

    /** The most values any column has: that many consecutive rows show every value of every column. */
    static int rowsForEveryValue() {
        return COLUMNS.stream().mapToInt(c -> c.values().size() + 1).max().orElseThrow();
    }

    /** The column definitions for a CREATE TABLE. */
    static String definitions() {
        return COLUMNS.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", "));
    }
}
