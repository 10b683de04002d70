package io.cdcsink.mysql;

import io.cdcsink.mysql.TypeMatrix.Column;
import io.cdcsink.mysql.TypeMatrix.Kind;
import io.cdcsink.mysql.TypeMatrix.Table;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The tables of the type matrix, one per area, with every MariaDB column type: its edge values and a generator of
 * further values. Values are SQL literals for MariaDB; text and JSON travel as hex bytes with a charset introducer so
 * that no quoting stands between the test and the bytes.
 */
final class MatrixTables {
    private static final HexFormat HEX = HexFormat.of();
    private static final String STRICT = "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO";
    /** Zero dates, partial dates and invalid days are only accepted without strict checks. */
    private static final String LAX_DATES = "ALLOW_INVALID_DATES";
    /** Generated legacy bytes may be ill-formed: the source then stores '?' for them, and that is compared. */
    private static final String LAX = "";

    /** The legacy charsets of the text table (their Java namesakes differ from the server in places). */
    static final List<String> SINGLE_BYTE = List.of("latin1", "latin2", "latin5", "latin7", "ascii", "cp1250",
            "cp1251", "cp1256", "cp1257", "cp850", "cp852", "cp866", "koi8r", "koi8u", "greek", "hebrew", "tis620",
            "armscii8", "dec8", "geostd8", "hp8", "keybcs2", "macce", "macroman", "swe7");
    static final List<String> MULTI_BYTE = List.of("sjis", "cp932", "ujis", "eucjpms", "euckr", "gbk", "gb2312",
            "big5");
    static final List<String> UNICODE = List.of("utf8mb4", "utf8mb3", "ucs2", "utf16", "utf16le", "utf32");

    private MatrixTables() {
    }

    /** Every table of the matrix. */
    static List<Table> all() {
        return List.of(numbers(), temporals(), oldTemporals(), zeroDates(), texts(), binaries(), labels(),
                documents(), geometry(), keyed());
    }

    /** The INT key most tables have, and the statement moving rows 10 to 19 to new keys. */
    private static Table table(String name, String sqlMode, List<Column> columns) {
        Column id = new Column("id", "INT NOT NULL", "integer NOT NULL", Kind.INTEGER, List.of(), null, 0);
        return new Table(name, List.of(id), columns, "UPDATE `" + name + "` SET id = id + 10000 WHERE id BETWEEN %d"
                + " AND %d", sqlMode);
    }

    static Table numbers() {
        List<Column> c = new ArrayList<>();
        c.add(integer("ti", "TINYINT", "smallint", -128, 127));
        c.add(integer("tiu", "TINYINT UNSIGNED", "smallint", 0, 255));
        c.add(integer("si", "SMALLINT", "smallint", -32768, 32767));
        c.add(integer("siu", "SMALLINT UNSIGNED", "integer", 0, 65535));
        c.add(integer("mi", "MEDIUMINT", "integer", -8388608, 8388607));
        c.add(integer("miu", "MEDIUMINT UNSIGNED", "integer", 0, 16777215));
        c.add(integer("i", "INT", "integer", Integer.MIN_VALUE, Integer.MAX_VALUE));
        c.add(integer("iu", "INT UNSIGNED", "bigint", 0, 4294967295L));
        c.add(integer("bi", "BIGINT", "bigint", Long.MIN_VALUE, Long.MAX_VALUE));
        c.add(new Column("biu", "BIGINT UNSIGNED", "numeric(20)", Kind.INTEGER,
                List.of("0", "18446744073709551615", "9223372036854775808", "9223372036854775807", "1", "NULL"),
                nullable(Arbitraries.bigIntegers().between(BigInteger.ZERO, new BigInteger("18446744073709551615"))
                        .map(BigInteger::toString)), 0));
        c.add(integer("bool", "BOOLEAN", "smallint", -128, 127));
        c.add(decimal("d6530", 65, 30, false));
        c.add(decimal("d650", 65, 0, false));
        c.add(decimal("d3030", 30, 30, false));
        c.add(decimal("d52", 5, 2, false));
        c.add(decimal("d52u", 5, 2, true));
        c.add(new Column("f", "FLOAT", "real", Kind.FLOAT, List.of("0", "-0e0", "1.1754943508222875e-38",
                "1.401298464324817e-45", "3.4028234663852886e38", "-3.4028234663852886e38", "0.1", "1.5", "-2.5",
                "16777217", "NULL"), nullable(Arbitraries.integers().map(Float::intBitsToFloat)
                .filter(Float::isFinite).map(f -> Double.toString(f))), 0));
        c.add(new Column("db", "DOUBLE", "double precision", Kind.DOUBLE, List.of("0", "-0e0", "4.9e-324",
                "2.2250738585072014e-308", "1.7976931348623157e308", "-1.7976931348623157e308", "0.1", "1e300",
                "-1.5e-300", "3.141592653589793", "NULL"), nullable(Arbitraries.longs().map(Double::longBitsToDouble)
                .filter(Double::isFinite).map(d -> Double.toString(d))), 0));
        c.add(bit("b1", 1));
        c.add(bit("b8", 8));
        c.add(bit("b13", 13));
        c.add(bit("b64", 64));
        c.add(new Column("y", "YEAR", "smallint", Kind.YEAR, List.of("0", "1901", "2155", "2024", "NULL"),
                nullable(Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1901, 2155))
                        .map(String::valueOf)), 0));
        return table("numbers", STRICT, c);
    }

    static Table temporals() {
        List<Column> c = new ArrayList<>();
        c.add(date("d"));
        for (int fsp = 0; fsp <= 6; fsp++) {
            c.add(datetime("dt" + fsp, fsp));
        }
        for (int fsp = 0; fsp <= 6; fsp++) {
            c.add(timestamp("ts" + fsp, fsp));
        }
        for (int fsp = 0; fsp <= 6; fsp++) {
            c.add(time("t" + fsp, fsp));
        }
        return table("temporals", STRICT, c);
    }

    /**
     * The same types in MariaDB's pre-10.1 format (written with {@code mysql56_temporal_format=OFF}), whose binlog
     * metadata leaves out the fractional digits.
     */
    static Table oldTemporals() {
        List<Column> c = new ArrayList<>();
        for (int fsp = 0; fsp <= 6; fsp++) {
            c.add(datetime("odt" + fsp, fsp));
            c.add(timestamp("ots" + fsp, fsp));
            c.add(time("ot" + fsp, fsp));
        }
        return table("old_temporals", STRICT, c);
    }

    /** Zero and partial dates into text columns, which keep them as the source shows them. */
    static Table zeroDates() {
        List<String> dates = List.of("'0000-00-00'", "'2020-00-15'", "'2020-05-00'", "'2020-02-31'", "'0000-01-01'",
                "'1582-10-10'", "NULL");
        List<String> datetimes = List.of("'0000-00-00 00:00:00'", "'2020-00-15 01:02:03.5'",
                "'2020-02-31 23:59:59.999'", "'0000-01-01 00:00:00'", "'1582-10-10 12:00:00.001'", "NULL");
        List<Column> c = new ArrayList<>();
        c.add(new Column("zd", "DATE", "text", Kind.EXACT, dates, Arbitraries.of(dates), 0));
        c.add(new Column("zdt", "DATETIME(3)", "text", Kind.EXACT, datetimes, Arbitraries.of(datetimes), 0));
        List<String> stamps = List.of("'0000-00-00 00:00:00'", "'2001-02-03 04:05:06.07'", "NULL");
        c.add(new Column("zts", "TIMESTAMP(2) NULL DEFAULT NULL", "text", Kind.TIMESTAMP, stamps,
                Arbitraries.of(stamps), 0));
        return table("zero_dates", LAX_DATES, c);
    }

    static Table texts() {
        List<Column> c = new ArrayList<>();
        for (String charset : SINGLE_BYTE) {
            c.add(text("v_" + charset, "VARCHAR(40) CHARACTER SET " + charset, charset, 40, everyByte()));
        }
        c.add(text("c_latin1", "CHAR(10) CHARACTER SET latin1", "latin1", 10, List.of("_latin1 X'E9202020'",
                "_latin1 X'2020'", "_latin1 X'81'", "'plain'", "''", "NULL")));
        c.add(text("t_latin1", "TEXT CHARACTER SET latin1", "latin1", 300, everyByte()));
        c.add(text("v_sjis", "VARCHAR(20) CHARACTER SET sjis", "sjis", 20, bytes("815F", "815C", "8160",
                "82A0", "A1DF", "5C7E", "8140", "EAA4")));
        c.add(text("v_cp932", "VARCHAR(20) CHARACTER SET cp932", "cp932", 20, bytes("815F", "8160",
                "FA40", "8754", "A1", "EAA4")));
        c.add(text("v_ujis", "VARCHAR(20) CHARACTER SET ujis", "ujis", 20, bytes("A1BD", "A1C0", "8EA1",
                "8FB0A1", "F5A1", "A4A2")));
        c.add(text("v_eucjpms", "VARCHAR(20) CHARACTER SET eucjpms", "eucjpms", 20, bytes("A1BD",
                "A1C1", "A1DD", "A2CC", "8FF3F3", "F5A1")));
        c.add(text("v_euckr", "VARCHAR(20) CHARACTER SET euckr", "euckr", 20, bytes("8141", "B0A1",
                "C9A1", "A2E6")));
        c.add(text("v_gbk", "VARCHAR(20) CHARACTER SET gbk", "gbk", 20, bytes("A892", "8140", "A1A1",
                "FE4F", "80")));
        c.add(text("v_gb2312", "VARCHAR(20) CHARACTER SET gb2312", "gb2312", 20, bytes("B0A1", "A1A1",
                "F7FE")));
        c.add(text("v_big5", "VARCHAR(20) CHARACTER SET big5", "big5", 20, bytes("A15A", "F9D6", "A440",
                "A1C3", "C87A")));
        for (String charset : UNICODE) {
            c.add(text("v_" + charset, "VARCHAR(20) CHARACTER SET " + charset, charset, 20, unicodeEdges(charset)));
        }
        c.add(text("c_utf8mb4", "CHAR(10) CHARACTER SET utf8mb4", "utf8mb4", 10, List.of(unicode("\uD83C\uDF89  "),
                unicode(" x"), "''", "NULL")));
        c.add(text("mt_utf8mb4", "MEDIUMTEXT CHARACTER SET utf8mb4", "utf8mb4", 200, unicodeEdges("utf8mb4")));
        return table("texts", LAX, c);
    }

    static Table binaries() {
        List<Column> c = new ArrayList<>();
        c.add(bytes("bin4", "BINARY(4)", 4, List.of("X'00'", "X'00FF8000'", "X'FFFFFFFF'", "X'01'", "X''", "NULL")));
        c.add(bytes("bin1", "BINARY(1)", 1, List.of("X'00'", "X'FF'", "X''", "NULL")));
        c.add(bytes("vb", "VARBINARY(20)", 20, List.of("X''", "X'00'", "X'00000000'", "X'FF00FF'", "NULL")));
        c.add(bytes("tb", "TINYBLOB", 255, List.of("X''", "X'00'", "X'C328FF'", "NULL")));
        c.add(bytes("bl", "BLOB", 1000, List.of("X''", "X'FFFE00'", "NULL")));
        c.add(bytes("mb", "MEDIUMBLOB", 1000, List.of("REPEAT(X'00FF', 5000)", "X'80'", "NULL")));
        c.add(bytes("lb", "LONGBLOB", 1000, List.of("REPEAT(X'0102', 40000)", "X''", "NULL")));
        return table("binaries", STRICT, c);
    }

    static Table labels() {
        List<String> enumLabels = List.of("", "a", "b c", "d,e", "\u00e9", "\uD83C\uDF89", "quote's", "back\\slash");
        List<String> setLabels = List.of("a", "b", "d e", "\u00e9", "\uD83C\uDF89");
        List<String> latinLabels = List.of("\u00e9", "\u00fc", "\u0081x", "y");
        List<Column> c = new ArrayList<>();
        c.add(label("e", "ENUM(" + quoted(enumLabels) + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", enumLabels, false));
        c.add(label("el1", "ENUM(" + quoted(latinLabels) + ") CHARACTER SET latin1 COLLATE latin1_bin", latinLabels, false));
        c.add(label("s", "SET(" + quoted(setLabels) + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", setLabels, true));
        c.add(label("sl1", "SET(" + quoted(latinLabels) + ") CHARACTER SET latin1 COLLATE latin1_bin", latinLabels, true));
        return table("labels", STRICT, c);
    }

    /** Every latin1 byte in VARCHAR, CHAR and TEXT columns, and latin1 ENUM and SET labels. */
    static Table latin1() {
        List<String> labels = List.of("\u00e9", "\u0081", "\u009dx", "\u00ff");
        List<Column> c = new ArrayList<>();
        c.add(text("v", "VARCHAR(40) CHARACTER SET latin1", "latin1", 40, everyByte()));
        c.add(text("c", "CHAR(10) CHARACTER SET latin1", "latin1", 10, everyByte()));
        c.add(text("t", "TEXT CHARACTER SET latin1", "latin1", 300, everyByte()));
        c.add(label("e", "ENUM(" + quoted(labels) + ") CHARACTER SET latin1 COLLATE latin1_bin", labels, false));
        c.add(label("s", "SET(" + quoted(labels) + ") CHARACTER SET latin1 COLLATE latin1_bin", labels, true));
        return table("latin1", STRICT, c);
    }

    /** MariaDB's JSON (LONGTEXT with a validity check) into jsonb, json and text columns. */
    static Table documents() {
        List<String> docs = List.of("{\"a\": [1, 2.5, \"x\"], \"b\": null}", "[]", "{}",
                "\"string with \\u00e9 escape\"", "123", "1e400", "true", "null", "{\"dup\": 1, \"dup\": 2}",
                "  {\"spaced\" :  1 }  ", "{\"big\": 18446744073709551616, \"small\": 1e-320, \"neg\": -0}",
                "{\"\u00e9\": \"\uD83C\uDF89\", \"esc\": \"\\n\\t\\\"\\\\\"}", "[1.0, 1.50, -0.0]");
        List<String> literals = new ArrayList<>(docs.stream().map(MatrixTables::unicode).toList());
        literals.add("NULL");
        Arbitrary<String> generated = nullable(Arbitraries.randoms().map(r -> unicode(randomJson(r, 0))));
        List<Column> c = new ArrayList<>();
        c.add(new Column("jb", "JSON", "jsonb", Kind.JSONB, literals, generated, 0));
        c.add(new Column("js", "JSON", "json", Kind.EXACT, literals, generated, 0));
        c.add(new Column("jt", "JSON", "text", Kind.EXACT, literals, generated, 0));
        return table("documents", STRICT, c);
    }

    static Table geometry() {
        List<String> shapes = List.of("ST_GeomFromText('POINT(1 2)')", "ST_GeomFromText('POINT(-1.5 0.00001)', 4326)",
                "ST_GeomFromText('LINESTRING(0 0, 1 1, 2 2)')",
                "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))')",
                "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1))')", "NULL");
        Arbitrary<String> points = nullable(Combinators.combine(Arbitraries.integers().between(-1_000_000, 1_000_000),
                Arbitraries.integers().between(-1_000_000, 1_000_000), Arbitraries.integers().between(0, 4326))
                .as((x, y, srid) -> "ST_GeomFromText('POINT(" + x / 1000.0 + " " + y + ")', " + srid + ")"));
        List<Column> c = new ArrayList<>();
        c.add(new Column("g", "GEOMETRY", "bytea", Kind.BYTES, shapes, points, 0));
        c.add(new Column("p", "POINT", "bytea", Kind.BYTES, List.of("ST_GeomFromText('POINT(0 0)')", "NULL"),
                points, 0));
        return table("geometry", STRICT, c);
    }

    /** A composite key of text, DATETIME(6) and DECIMAL columns; rows are addressed by a unique {@code id}. */
    static Table keyed() {
        List<Column> key = List.of(
                new Column("k1", "VARCHAR(20) CHARACTER SET latin1 NOT NULL", "text NOT NULL", Kind.EXACT, List.of(),
                        null, 0),
                new Column("k2", "DATETIME(6) NOT NULL", "timestamp(6) NOT NULL", Kind.DATETIME, List.of(), null, 0),
                new Column("k3", "DECIMAL(10,2) NOT NULL", "numeric(10,2) NOT NULL", Kind.DECIMAL, List.of(), null,
                        0));
        List<Column> columns = List.of(
                new Column("id", "INT NOT NULL UNIQUE", "integer NOT NULL", Kind.INTEGER, List.of(), null, 0),
                text("v", "VARCHAR(20) CHARACTER SET latin1", "latin1", 20, everyByte()));
        return new Table("keyed", key, columns, "UPDATE keyed SET k3 = k3 + 1000, k1 = CONCAT(k1, _latin1 X'E9'),"
                + " k2 = k2 + INTERVAL 1 MICROSECOND WHERE id BETWEEN %d AND %d", LAX);
    }

    /** The key literals of row {@code id} of the keyed table: latin1 bytes, pre-reform times, distinct decimals. */
    static List<String> keyedKey(int id) {
        String k1 = "_latin1 X'" + HEX.formatHex(new byte[] {(byte) (0x80 + id % 128), 0x41, (byte) (0xC0 + id % 64)})
                + "'";
        String k2 = "'" + sqlDatetime(LocalDateTime.of(1582, 10, 1 + id % 28, id % 24, 0).plusNanos(id * 1000L))
                + "'";
        return List.of(k1, k2, id + ".25");
    }

    // --- column factories ---

    private static Column integer(String name, String source, String target, long min, long max) {
        return new Column(name, source, target, Kind.INTEGER, List.of(String.valueOf(min), String.valueOf(max), "0",
                "1", "NULL"), nullable(Arbitraries.longs().between(min, max).map(String::valueOf)), 0);
    }

    private static Column decimal(String name, int precision, int scale, boolean unsigned) {
        BigDecimal max = BigDecimal.TEN.pow(precision).subtract(BigDecimal.ONE).movePointLeft(scale);
        BigDecimal min = unsigned ? BigDecimal.ZERO : max.negate();
        BigDecimal tiny = BigDecimal.ONE.movePointLeft(scale);
        List<String> edges = new ArrayList<>(List.of(max.toPlainString(), min.toPlainString(), "0",
                tiny.toPlainString(), "NULL"));
        if (!unsigned) {
            edges.add(tiny.negate().toPlainString());
        }
        return new Column(name, "DECIMAL(" + precision + "," + scale + ")" + (unsigned ? " UNSIGNED" : ""),
                "numeric(" + precision + "," + scale + ")", Kind.DECIMAL, edges,
                nullable(Arbitraries.bigDecimals().between(min, max).ofScale(scale).map(BigDecimal::toPlainString)),
                0);
    }

    private static Column bit(String name, int bits) {
        String ones = "1".repeat(bits);
        List<String> edges = new ArrayList<>(List.of("b'0'", "b'" + ones + "'", "NULL"));
        if (bits > 1) {
            edges.add("b'1" + "0".repeat(bits - 2) + "1'");
            edges.add("b'" + "10".repeat(bits / 2) + "'");
        }
        Arbitrary<String> generated = Arbitraries.longs().map(v -> "b'" + (bits == 64 ? Long.toBinaryString(v)
                : Long.toBinaryString(v & ((1L << bits) - 1))) + "'");
        return new Column(name, "BIT(" + bits + ")", bits == 13 ? "varbit" : "bit(" + bits + ")", Kind.BIT, edges,
                nullable(generated), bits);
    }

    private static Column date(String name) {
        return new Column(name, "DATE", "date", Kind.EXACT, List.of("'1000-01-01'", "'9999-12-31'", "'0001-01-01'",
                "'1582-10-10'", "'1582-10-04'", "'1582-10-15'", "'2024-02-29'", "'0099-03-01'", "NULL"),
                nullable(dates().map(d -> "'" + d + "'")), 0);
    }

    private static Column datetime(String name, int fsp) {
        List<String> edges = List.of("'0001-01-01 00:00:00'", "'1582-10-10 12:34:56.123456'",
                "'9999-12-31 23:59:59.999999'", "'1970-01-01 00:00:00'", "'1582-10-04 23:59:59.5'", "NULL");
        Arbitrary<String> generated = Combinators.combine(dates(), clock(), fraction(fsp))
                .as((d, t, f) -> "'" + d + " " + t + f + "'");
        return new Column(name, "DATETIME(" + fsp + ")", "timestamp(" + fsp + ")", Kind.DATETIME, edges,
                nullable(generated), 0);
    }

    private static Column timestamp(String name, int fsp) {
        List<String> edges = List.of("'1970-01-01 00:00:01'", "'2038-01-19 03:14:07.999999'",
                "'2000-02-29 12:00:00.5'", "'1999-12-31 23:59:59.000001'", "NULL");
        Arbitrary<String> generated = Combinators.combine(Arbitraries.longs().between(1, Integer.MAX_VALUE),
                fraction(fsp)).as((seconds, f) -> "'" + sqlDatetime(LocalDateTime.ofEpochSecond(seconds, 0,
                ZoneOffset.UTC)) + f + "'");
        return new Column(name, "TIMESTAMP(" + fsp + ") NULL DEFAULT NULL", "timestamptz(" + fsp + ")",
                Kind.TIMESTAMP, edges, nullable(generated), 0);
    }

    private static Column time(String name, int fsp) {
        List<String> edges = List.of("'-838:59:59'", "'838:59:59'", "'-00:00:00.000001'", "'00:00:00'",
                "'-12:34:56.789012'", "'123:45:06.5'", "'-00:00:01.5'", "NULL");
        Arbitrary<String> generated = Combinators.combine(Arbitraries.of("", "-"),
                Arbitraries.integers().between(0, 838 * 3600 + 59 * 60 + 58), fraction(fsp))
                .as((sign, seconds, f) -> "'" + sign + (seconds / 3600) + ":" + two(seconds / 60 % 60) + ":"
                        + two(seconds % 60) + f + "'");
        return new Column(name, "TIME(" + fsp + ")", "interval", Kind.TIME, edges, nullable(generated), 0);
    }

    private static Column text(String name, String source, String charset, int maxChars, List<String> edges) {
        return new Column(name, source, "text", Kind.EXACT, edges, nullable(texts(charset, maxChars)), 0);
    }

    private static Column bytes(String name, String source, int maxBytes, List<String> edges) {
        Arbitrary<String> generated = Arbitraries.bytes().array(byte[].class).ofMaxSize(maxBytes)
                .map(b -> "X'" + HEX.formatHex(b) + "'");
        return new Column(name, source, "bytea", Kind.BYTES, edges, nullable(generated), 0);
    }

    private static Column label(String name, String source, List<String> labels, boolean set) {
        List<String> edges = new ArrayList<>();
        for (String label : labels) {
            edges.add(unicode(label));
        }
        if (set) {
            edges.add(unicode(String.join(",", labels)));
            edges.add("''");
        }
        edges.add("NULL");
        Arbitrary<String> generated = set
                ? Arbitraries.subsetOf(labels).map(s -> unicode(labels.stream().filter(s::contains)
                        .collect(Collectors.joining(","))))
                : Arbitraries.of(labels).map(MatrixTables::unicode);
        return new Column(name, source, "text", Kind.EXACT, edges, nullable(generated), 0);
    }

    // --- values ---

    /**
     * 64 literals of (up to) four bytes that together hold every byte 0x01-0xFF, then the empty string and NULL. A
     * bare hex literal is bytes the server stores as they are in the column's charset (bytes it does not accept as
     * that charset become '?' in the lax tables, and that is what is compared).
     */
    private static List<String> everyByte() {
        List<String> edges = new ArrayList<>();
        for (int from = 1; from <= 0xFF; from += 4) {
            byte[] chunk = new byte[Math.min(4, 0x100 - from)];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (from + i);
            }
            edges.add("X'" + HEX.formatHex(chunk) + "'");
        }
        edges.add("''");
        edges.add("NULL");
        return edges;
    }

    private static List<String> bytes(String... sequences) {
        List<String> edges = new ArrayList<>();
        for (String hex : sequences) {
            edges.add("X'" + hex + "'");
        }
        edges.add("X'" + String.join("", sequences) + "'");
        edges.add(unicode("abc \\ ~ \u00e9 \u3042 \uac00 \u4e2d"));
        edges.add("NULL");
        return edges;
    }

    private static List<String> unicodeEdges(String charset) {
        List<String> edges = new ArrayList<>(List.of(unicode("plain"), unicode("\u00e9\u20ac\u3042"),
                unicode("line\nbreak\ttab \"quote\" 'apos' \\"), unicode("\uFFFD\uFFFF\u0001"), "''", "NULL"));
        if (!charset.equals("ucs2") && !charset.equals("utf8mb3")) {
            edges.add(unicode("\uD83C\uDF89 \uD834\uDD1E \uDBFF\uDFFF"));
        }
        return edges;
    }

    /** A text literal: its UTF-8 bytes, which the server converts into the column's charset. */
    static String unicode(String text) {
        return "_utf8mb4 X'" + HEX.formatHex(text.getBytes(StandardCharsets.UTF_8)) + "'";
    }

    /**
     * Generated text for a column of {@code charset}: for legacy charsets random bytes (any but 0x00, which a
     * PostgreSQL text cannot hold; ill-formed ones the lax table stores as '?') half the time, else Unicode text the
     * server converts (unmappable characters become '?'); code points the charset can hold for the Unicode ones (no
     * lone surrogates, which MariaDB's ucs2 stores but no PostgreSQL text can hold; no NUL).
     */
    private static Arbitrary<String> texts(String charset, int maxChars) {
        boolean bmpOnly = charset.equals("ucs2") || charset.equals("utf8mb3");
        List<Tuple2<Integer, Arbitrary<Integer>>> ranges = new ArrayList<>(List.of(
                Tuple.of(4, Arbitraries.integers().between(0x01, 0x7F)),
                Tuple.of(3, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(3, Arbitraries.integers().between(0x3000, 0x9FFF)),
                Tuple.of(2, Arbitraries.integers().between(0xAC00, 0xD7A3)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF))));
        if (!bmpOnly) {
            ranges.add(Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        }
        @SuppressWarnings("unchecked")
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(ranges.toArray(Tuple2[]::new));
        Arbitrary<String> unicode = codePoints.list().ofMaxSize(maxChars).map(points -> unicode(points.stream()
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        .toString()));
        if (UNICODE.contains(charset)) {
            return unicode;
        }
        Arbitrary<String> bytes = Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofMaxSize(maxChars)
                .map(b -> "X'" + HEX.formatHex(b) + "'");
        return Arbitraries.oneOf(bytes, unicode);
    }

    private static Arbitrary<String> dates() {
        return Combinators.combine(Arbitraries.integers().between(1, 9999), Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(1, 31))
                .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, Math.min(d, YearMonth.of(y, m).lengthOfMonth())));
    }

    private static Arbitrary<String> clock() {
        return Arbitraries.integers().between(0, 86_399)
                .map(s -> two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60));
    }

    /** A fraction of {@code fsp} digits (or none): ".123" for fsp 3. */
    private static Arbitrary<String> fraction(int fsp) {
        if (fsp == 0) {
            return Arbitraries.just("");
        }
        return Arbitraries.integers().between(0, (int) Math.pow(10, fsp) - 1)
                .map(f -> "." + String.format("%0" + fsp + "d", f));
    }

    private static String two(int value) {
        return value < 10 ? "0" + value : String.valueOf(value);
    }

    private static Arbitrary<String> nullable(Arbitrary<String> values) {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("NULL")),
                Tuple.of(12, values));
    }

    /** Labels as SQL string literals (DDL takes no hex literals there). */
    private static String quoted(List<String> labels) {
        return labels.stream().map(l -> "'" + l.replace("\\", "\\\\").replace("'", "''") + "'")
                .collect(Collectors.joining(", "));
    }

    /** {@code 'YYYY-MM-DD HH:MM:SS[.ffffff]'}. */
    private static String sqlDatetime(LocalDateTime t) {
        String text = String.format("%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        return t.getNano() == 0 ? text : text + String.format(".%06d", t.getNano() / 1000);
    }

    /** Random JSON text with random whitespace, escapes, unicode, big and small numbers and duplicate keys. */
    private static String randomJson(Random random, int depth) {
        int kind = random.nextInt(depth > 2 ? 5 : 7);
        String space = " \n\t".substring(0, random.nextInt(2) * (1 + random.nextInt(3)));
        return space + switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> new BigDecimal(new BigInteger(random.nextInt(80) + 1, random), random.nextInt(60) - 30)
                    .multiply(BigDecimal.valueOf(random.nextBoolean() ? 1 : -1)).toString();
            case 3 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(600) - 300));
            case 4 -> jsonString(random);
            case 5 -> IntStream.range(0, random.nextInt(5)).mapToObj(i -> randomJson(random, depth + 1))
                    .collect(Collectors.joining(",", "[", "]"));
            default -> IntStream.range(0, random.nextInt(5)).mapToObj(i -> jsonString(random) + space + ":"
                    + randomJson(random, depth + 1)).collect(Collectors.joining(",", "{", "}"));
        } + space;
    }

    private static String jsonString(Random random) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = random.nextInt(8); i > 0; i--) {
            switch (random.nextInt(6)) {
                case 0 -> sb.append("\\\"");
                case 1 -> sb.append("\\\\");
                case 2 -> sb.append(String.format("\\u%04x", 1 + random.nextInt(0x7FF))); // \u0000: jsonb refuses
                case 3 -> sb.appendCodePoint(0x80 + random.nextInt(0x700));
                case 4 -> sb.appendCodePoint(0x1F300 + random.nextInt(0x100));
                default -> sb.append((char) ('a' + random.nextInt(26)));
            }
        }
        return sb.append('"').toString();
    }
}
