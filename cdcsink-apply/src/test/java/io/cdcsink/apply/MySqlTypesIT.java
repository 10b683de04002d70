package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.JsonText;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.RowChange;
import io.cdcsink.testing.EmbeddedPg;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The type matrix of a MariaDB target. Every column gets edge values and generated ones (the seed is printed), in
 * both value formats:
 * <ul>
 *   <li>{@link ValueFormat#CHANGEFEED_JSON}: the oracle is the value's meaning as CockroachDB sends it (parsed here
 *       with the JDK's own parsers), compared with what MariaDB holds: instants equal, decimals {@code compareTo},
 *       floats bit for bit, bytes equal;</li>
 *   <li>{@link ValueFormat#TEXT} from PostgreSQL: the values go into a real PostgreSQL table, come back as
 *       PostgreSQL's text output, are applied, and what MariaDB holds is compared with what PostgreSQL holds.</li>
 * </ul>
 * Values no MySQL column can hold are refused, named, with nothing written.
 */
class MySqlTypesIT {
    /** A column on both sides; {@code number} says whether the JSON format sends its values as JSON numbers. */
    private record Column(String name, String mysql, String pg, boolean number, List<String> edges,
                          Function<Random, String> generator) {
    }

    private static final int GENERATED = 60;
    /**
     * Sent as text only: the applier reads changefeed JSON numbers as decimals, which have no negative zero (see
     * docs/types.md).
     */
    private static final String NEGATIVE_ZERO = "-0";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HexFormat HEX = HexFormat.of();

    private static final List<Column> COLUMNS = List.of(
            new Column("i8", "TINYINT", "smallint", true, List.of("-128", "127", "0", "-1"),
                    r -> Integer.toString(r.nextInt(256) - 128)),
            new Column("i8u", "TINYINT UNSIGNED", "smallint", true, List.of("0", "255"),
                    r -> Integer.toString(r.nextInt(256))),
            new Column("i16", "SMALLINT", "smallint", true, List.of("-32768", "32767"),
                    r -> Integer.toString(r.nextInt(65536) - 32768)),
            new Column("i24", "MEDIUMINT", "integer", true, List.of("-8388608", "8388607"),
                    r -> Integer.toString(r.nextInt(1 << 24) - (1 << 23))),
            new Column("i32", "INT", "integer", true, List.of("-2147483648", "2147483647"),
                    r -> Integer.toString(r.nextInt())),
            new Column("i32u", "INT UNSIGNED", "bigint", true, List.of("0", "4294967295"),
                    r -> Long.toString(r.nextLong(1L << 32))),
            new Column("i64", "BIGINT", "bigint", true, List.of("-9223372036854775808", "9223372036854775807"),
                    r -> Long.toString(r.nextLong())),
            new Column("i64u", "BIGINT UNSIGNED", "numeric(20,0)", true, List.of("0", "18446744073709551615"),
                    r -> new BigInteger(64, r).toString()),
            new Column("dec", "DECIMAL(65,30)", "numeric(65,30)", true,
                    List.of("99999999999999999999999999999999999.999999999999999999999999999999",
                            "-0.000000000000000000000000000001", "0", "1.50", "-0"),
                    r -> new BigDecimal(new BigInteger(200, r), 30).remainder(BigDecimal.TEN.pow(35))
                            .multiply(BigDecimal.valueOf(r.nextBoolean() ? 1 : -1)).toPlainString()),
            new Column("dec52", "DECIMAL(5,2)", "numeric(5,2)", true, List.of("999.99", "-999.99", "0.01", "4E+2"),
                    r -> BigDecimal.valueOf(r.nextInt(199_999) - 99_999, 2).toPlainString()),
            new Column("f", "FLOAT", "real", true, List.of("3.4028235E38", "1.4E-45", "-1.5", "0.1", "1.17549435E-38"),
                    r -> Float.toString(finiteFloat(r))),
            new Column("d", "DOUBLE", "double precision", true,
                    List.of("1.7976931348623157E308", "4.9E-324", "-2.2250738585072014E-308", "0.1", "1e300",
                            NEGATIVE_ZERO),
                    r -> Double.toString(finiteDouble(r))),
            new Column("bits", "BIT(10)", "bit(10)", false, List.of("0000000000", "1111111111", "1000000001"),
                    r -> bits(r, 10)),
            new Column("flag", "BOOLEAN", "boolean", false, List.of("true", "false"),
                    r -> Boolean.toString(r.nextBoolean())),
            new Column("vc", "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "varchar(20)", false,
                    List.of("", "😀".repeat(20), "'; DROP TABLE x; --", "tab\tnew\nline\\back", "ß∂ƒ©˙∆˚¬"),
                    r -> text(r, 20)),
            new Column("txt", "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "text", false,
                    List.of("", "x".repeat(70_000), "h\u00e9llo ✓ 😀 \ud83d\ude00", "  trailing  ", "nul\0byte"),
                    r -> text(r, 200)),
            new Column("bin", "LONGBLOB", "bytea", false, List.of("\\x", "\\x00ff00ff", "\\x" + "00".repeat(1000)),
                    r -> "\\x" + HEX.formatHex(bytes(r, r.nextInt(64)))),
            new Column("bin4", "BINARY(4)", "bytea", false, List.of("\\x00000000", "\\xffffffff", "\\x00ff0a00"),
                    r -> "\\x" + HEX.formatHex(bytes(r, 4))),
            new Column("dt", "DATE", "date", false, List.of("0001-01-01", "9999-12-31", "2024-02-29", "1970-01-01"),
                    r -> LocalDate.ofEpochDay(r.nextLong(LocalDate.of(1, 1, 1).toEpochDay(),
                            LocalDate.of(9999, 12, 31).toEpochDay())).toString()),
            new Column("tm", "TIME(6)", "time", false, List.of("00:00:00", "23:59:59.999999", "13:14:15.5", "24:00:00"),
                    r -> String.format("%02d:%02d:%02d.%06d", r.nextInt(24), r.nextInt(60), r.nextInt(60),
                            r.nextInt(1_000_000))),
            new Column("dtm", "DATETIME(6)", "timestamp", false,
                    List.of("0001-01-01T00:00:00", "9999-12-31T23:59:59.999999", "2024-02-29T12:00:00.000001"),
                    r -> LocalDateTime.ofEpochSecond(r.nextLong(-62_135_596_800L, 253_402_300_799L),
                            r.nextInt(1_000_000) * 1000, ZoneOffset.UTC).toString()),
            new Column("dtz", "DATETIME(6)", "timestamptz", false,
                    List.of("2024-01-02T03:04:05.123456Z", "0001-01-01T00:00:00Z", "2024-03-31T01:30:00+02:00"),
                    r -> Instant.ofEpochSecond(r.nextLong(-62_135_596_800L + 86_400, 253_402_300_799L - 86_400),
                            r.nextInt(1_000_000) * 1000L).toString()),
            new Column("ts", "TIMESTAMP(6) NULL", "timestamptz", false,
                    List.of("1970-01-01T00:00:01Z", "2038-01-19T03:14:07.999999Z", "2000-02-29T23:59:59.5Z"),
                    r -> Instant.ofEpochSecond(r.nextLong(1, 2_147_483_647L), r.nextInt(1_000_000) * 1000L)
                            .toString()),
            new Column("yr", "YEAR", "integer", true, List.of("1901", "2155"),
                    r -> Integer.toString(1901 + r.nextInt(255))),
            new Column("js", "JSON", "jsonb", false,
                    List.of("{\"a\":[1,{\"b\":null,\"c\":[true,\"x\"]}],\"d\":1.50}", "[]", "\"s\"", "12.5"),
                    r -> "{\"k\":" + r.nextInt() + ",\"s\":" + JsonText.appendString(new StringBuilder(),
                            text(r, 10)) + "}"),
            new Column("en", "ENUM('a','b','😀 c')", "mood", false, List.of("a", "b", "😀 c"),
                    r -> List.of("a", "b", "😀 c").get(r.nextInt(3))),
            new Column("st", "SET('x','y','z')", "text", false, List.of("", "x", "x,y,z"),
                    r -> List.of("", "x", "y", "z", "x,z", "y,z").get(r.nextInt(6))),
            new Column("u", "UUID", "uuid", false, List.of("00000000-0000-0000-0000-000000000000",
                    "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), r -> java.util.UUID.nameUUIDFromBytes(bytes(r, 16))
                    .toString()));

    private ApplyFixture fx;
    private long seed;
    private Random random;

    @BeforeEach
    void setUp() throws SQLException {
        fx = ApplyFixture.on(ApplyFixture.Target.MARIADB, "mytypes");
        fx.exec("CREATE TABLE t (id INT PRIMARY KEY, " + COLUMNS.stream().map(c -> "`" + c.name() + "` " + c.mysql())
                .collect(Collectors.joining(", ")) + ") DEFAULT CHARSET = utf8mb4");
        seed = Long.getLong("seed", System.nanoTime());
        System.out.println("MySqlTypesIT seed " + seed + " (rerun with -Dseed=" + seed + ")");
        random = new Random(seed);
    }

    /** Each column's values: its edges, NULL, and generated ones. */
    private Map<Column, List<String>> values() {
        Map<Column, List<String>> out = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            List<String> v = new ArrayList<>(c.edges());
            v.add(null);
            for (int i = 0; i < GENERATED; i++) {
                v.add(c.generator().apply(random));
            }
            out.put(c, v);
        }
        return out;
    }

    @Test
    void changefeedJsonValuesKeepTheirMeaning() throws Exception {
        Map<Column, List<String>> values = values();
        List<Mutation> rows = new ArrayList<>();
        Map<Integer, String[]> expected = new LinkedHashMap<>();
        int id = 0;
        for (Map.Entry<Column, List<String>> e : values.entrySet()) {
            Column c = e.getKey();
            for (String v : e.getValue()) {
                if (NEGATIVE_ZERO.equals(v) && c.name().equals("d")) {
                    continue;
                }
                id++;
                String json = v == null ? "null" : c.number() ? v
                        : c.name().equals("js") ? v : JsonText.appendString(new StringBuilder(), v).toString();
                rows.add(Mutation.upsert(at(1), "[" + id + "]", "{\"id\":" + id + ",\"" + c.name() + "\":" + json
                        + "}"));
                expected.put(id, new String[] {c.name(), v});
            }
        }
        fx.apply(fx.table("t"), rows);
        Map<String, Integer> compared = compare(expected);
        System.out.println("MySqlTypesIT changefeed JSON values compared per column: " + compared);
        assertThat(compared.keySet()).hasSize(COLUMNS.size());
    }

    @Test
    void postgresTextValuesHoldWhatPostgresHolds() throws Exception {
        EmbeddedPg pg = EmbeddedPg.shared();
        String pgDb = pg.freshDatabase("mytypes_src");
        pg.exec(pgDb, "CREATE TYPE mood AS ENUM ('a', 'b', '😀 c')");
        pg.exec(pgDb, "CREATE TABLE s (id INT PRIMARY KEY, " + COLUMNS.stream()
                .map(c -> "\"" + c.name() + "\" " + c.pg()).collect(Collectors.joining(", ")) + ")");
        Map<Column, List<String>> values = values();
        DataSource source = pg.dataSource(pgDb);
        Map<Integer, String> columnOf = new LinkedHashMap<>();
        try (Connection c = source.getConnection()) {
            int id = 0;
            for (Map.Entry<Column, List<String>> e : values.entrySet()) {
                Column col = e.getKey();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO s (id, \"" + col.name()
                        + "\") VALUES (?, CAST(? AS " + col.pg() + "))")) {
                    for (String v : e.getValue()) {
                        if (v != null && (v.contains("\0") || v.equals(NEGATIVE_ZERO) && !col.number())) {
                            continue; // PostgreSQL's text holds no NUL
                        }
                        ps.setInt(1, ++id);
                        ps.setString(2, v);
                        ps.addBatch();
                        columnOf.put(id, col.name());
                    }
                    ps.executeBatch();
                }
            }
        }
        // PostgreSQL's text output of every value, as pglogical sends it.
        List<RowChange> changes = new ArrayList<>();
        Map<Integer, String[]> expected = new LinkedHashMap<>();
        try (Connection c = source.getConnection()) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("SET TimeZone = 'UTC'"); // timestamptz text in UTC, as pglogical's sessions write it
            }
            for (Map.Entry<Integer, String> e : columnOf.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT \"" + e.getValue() + "\"::text FROM s"
                        + " WHERE id = ?")) {
                    ps.setInt(1, e.getKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        String text = rs.getString(1);
                        RowShape shape = new RowShape(List.of("id", e.getValue()), List.of(0));
                        changes.add(RowChange.upsert(at(1), SourceRows.row(shape, e.getKey().toString(), text)));
                        expected.put(e.getKey(), new String[] {e.getValue(), text});
                    }
                }
            }
        }
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            fx.applier.applyChanges(c, fx.table("t"), changes);
            c.commit();
        }
        Map<String, Integer> compared = compare(expected);
        System.out.println("MySqlTypesIT PostgreSQL text values compared per column: " + compared);
        assertThat(compared.keySet()).hasSize(COLUMNS.size());
    }

    /**
     * MySQL to MySQL: the values of a MariaDB table rendered as mylogical writes them (PostgreSQL input text:
     * {@code \\x} hex bytes, bit strings, {@code +00} timestamps, floats as their exact double), applied as
     * {@link ValueFormat#TEXT} to a table of the same definition, must be the same bytes in every cell. The rendering
     * is done here in SQL by mylogical's rules; mylogical itself is not run.
     */
    @Test
    void mysqlTextRoundTripsByteForByte() throws Exception {
        changefeedJsonValuesKeepTheirMeaning();
        ApplyFixture target = ApplyFixture.on(ApplyFixture.Target.MARIADB, "mytypes_dst");
        target.exec("CREATE TABLE t (id INT PRIMARY KEY, " + COLUMNS.stream().map(c -> "`" + c.name() + "` "
                + c.mysql()).collect(Collectors.joining(", ")) + ") DEFAULT CHARSET = utf8mb4");
        String select = COLUMNS.stream().map(c -> {
            String q = "`" + c.name() + "`";
            return switch (MySqlValues.parse(mysqlType(c.name())).kind()) {
                case FLOAT -> "CAST(CAST(" + q + " AS DOUBLE) AS CHAR)";
                case BIT -> "LPAD(BIN(" + q + "), 10, '0')";
                case BINARY, VARBINARY -> "CONCAT('\\x', LOWER(HEX(" + q + ")))";
                case TIMESTAMP -> "CONCAT(CAST(" + q + " AS CHAR), '+00')";
                default -> "CAST(" + q + " AS CHAR)";
            };
        }).collect(Collectors.joining(", "));
        List<String> names = new ArrayList<>(List.of("id"));
        COLUMNS.forEach(c -> names.add(c.name()));
        RowShape shape = new RowShape(names, List.of(0));
        List<RowChange> changes = new ArrayList<>();
        for (List<String> row : fx.rows("SELECT CAST(id AS CHAR), " + select + " FROM t")) {
            changes.add(RowChange.upsert(at(1), SourceRows.row(shape, row.toArray(String[]::new))));
        }
        try (Connection c = target.connect()) {
            c.setAutoCommit(false);
            target.applier.applyChanges(c, target.table("t"), changes);
            c.commit();
        }
        Map<String, String> compared = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            String q = "`" + c.name() + "`";
            List<List<String>> counts = fx.rows("SELECT count(" + "s." + q + "), sum(NOT (s." + q + " <=> d." + q
                    + ") OR NOT (CAST(s." + q + " AS BINARY) <=> CAST(d." + q + " AS BINARY))) FROM `" + fx.database
                    + "`.t s JOIN `" + target.database + "`.t d USING (id)");
            assertThat(counts.get(0).get(1)).as(c.name()).isEqualTo("0");
            compared.put(c.name(), counts.get(0).get(0));
        }
        assertThat(target.count("t")).isEqualTo(fx.count("t"));
        System.out.println("MySqlTypesIT MySQL text values compared byte for byte per column: " + compared);
    }

    /** Compares every row's one column with its expected text's meaning; the counts per column. */
    private Map<String, Integer> compare(Map<Integer, String[]> expected) throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Connection c = fx.connect()) {
            for (Map.Entry<Integer, String[]> e : expected.entrySet()) {
                String name = e.getValue()[0];
                String quoted = "`" + name + "`";
                String want = e.getValue()[1];
                MySqlValues.Kind kind = MySqlValues.parse(mysqlType(name)).kind();
                String expr = switch (kind) {
                    case FLOAT -> "CAST(" + quoted + " AS DOUBLE)";
                    case BIT -> "CAST(" + quoted + " AS UNSIGNED)";
                    default -> quoted;
                };
                try (PreparedStatement ps = c.prepareStatement("SELECT " + expr + " FROM t WHERE id = ?")) {
                    ps.setInt(1, e.getKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("row %d (%s)", e.getKey(), name).isTrue();
                        Object got = kind == MySqlValues.Kind.BINARY || kind == MySqlValues.Kind.VARBINARY
                                ? (rs.getBytes(1) == null ? null : "\\x" + HEX.formatHex(rs.getBytes(1)))
                                : rs.getString(1);
                        assertThat(meaning(kind, name, (String) got, true))
                                .as("%s: sent %s, holds %s", name, want, got)
                                .isEqualTo(meaning(kind, name, want, false));
                        counts.merge(name, 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static String mysqlType(String column) {
        String type = COLUMNS.stream().filter(c -> c.name().equals(column)).findFirst().orElseThrow().mysql();
        return type.replaceAll(" (NULL|CHARACTER SET.*)$", "");
    }

    /**
     * A value's meaning, independent of spelling: parsed with the JDK. {@code stored} texts are MariaDB's output
     * (its temporal values are UTC wall times, the session's zone).
     */
    private static Object meaning(MySqlValues.Kind kind, String column, String text, boolean stored)
            throws Exception {
        if (text == null) {
            return null;
        }
        return switch (kind) {
            case INTEGER, YEAR, DECIMAL -> new BigDecimal(text).stripTrailingZeros().toPlainString();
            case BOOL -> text.equals("t") || text.equals("true") || text.equals("1") ? 1 : 0;
            case FLOAT -> stored ? Double.parseDouble(text) : (double) Float.parseFloat(text);
            // MariaDB stores a negative zero as 0 (docs/types.md): equal as numbers, the one sign it drops.
            case DOUBLE -> Double.parseDouble(text) + 0.0;
            case BIT -> stored ? new BigInteger(text) : new BigInteger(text, 2);
            case BINARY, VARBINARY -> stored ? text : "\\x" + HEX.formatHex(MySqlValues.bytes(text));
            case DATE -> LocalDate.parse(text);
            case TIME -> micros(text);
            case DATETIME, TIMESTAMP -> instant(text);
            case JSON -> JSON.readTree(text);
            case SET -> new TreeSet<>(text.isEmpty() ? List.of() : Arrays.asList(text.split(",")));
            case UUID -> text.toLowerCase();
            default -> text;
        };
    }

    private static long micros(String text) {
        String[] p = text.split("[:.]");
        long m = ((Long.parseLong(p[0]) * 60 + Long.parseLong(p[1])) * 60 + Long.parseLong(p[2])) * 1_000_000L;
        return p.length > 3 ? m + Long.parseLong((p[3] + "000000").substring(0, 6)) : m;
    }

    /** An instant: with its zone (PostgreSQL's {@code +00} or {@code +05:30}, ISO {@code Z}), or UTC without one. */
    private static Instant instant(String text) {
        String iso = text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        if (iso.matches(".*[+-]\\d{2}$")) {
            iso += ":00";
        }
        if (iso.endsWith("Z") || iso.matches(".*[+-]\\d{2}:\\d{2}$")) {
            return OffsetDateTime.parse(iso).toInstant();
        }
        return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }

    @Test
    void valuesNoColumnCanHoldAreRefusedNamedAndNothingIsWritten() throws SQLException {
        String[][] refusals = {
                {"i8", "128", "out of range -128 to 127"}, {"i8u", "-1", "out of range 0 to 255"},
                {"i64u", "18446744073709551616", "out of range"}, {"i32", "1.5", "has a fraction"},
                {"dec52", "1234.5", "more than 3 digits before the point"},
                {"dec52", "1.005", "more than 2 decimal places"}, {"dec", "\"NaN\"", "DECIMAL has no NaN"},
                {"d", "\"NaN\"", "no NaN or infinity"}, {"d", "\"-Infinity\"", "no NaN or infinity"},
                {"f", "1e39", "out of FLOAT's range"}, {"f", "1e-50", "too small for FLOAT"},
                {"dt", "\"0000-01-01\"", "years 1 to 9999"}, {"dt", "\"10000-01-01\"", "years 1 to 9999"},
                {"dt", "\"2023-02-29\"", "no such day"},
                {"ts", "\"1969-12-31T23:59:59Z\"", "TIMESTAMP holds"}, {"ts", "\"2038-01-19T03:14:08Z\"",
                "TIMESTAMP holds"}, {"dtm", "\"2024-01-02T03:04:05.1234567\"", "more than 6 fractional digits"},
                {"tm", "\"839:00:00\"", "TIME holds"}, {"tm", "\"13:14:15+02\"", "TIME holds no zone"},
                {"vc", "\"" + "x".repeat(21) + "\"", "longer than 20 characters"},
                {"bin4", "\"\\\\x000000\"", "BINARY(4) holds exactly"}, {"bin", "\"\\\\x0\"", "odd number"},
                {"en", "\"A\"", "not one of its labels"}, {"st", "\"x,w\"", "'w' is not one of its labels"},
                {"bits", "\"10000000000\"", "more than 10 bits"}, {"yr", "1900", "YEAR holds 1901 to 2155"},
                {"flag", "\"yes\"", "not a number"}, {"u", "\"not-a-uuid\"", "not a UUID"}};
        TableName t = fx.table("t");
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"i8\":1}")));
        for (String[] r : refusals) {
            // A good row first: the batch writes nothing at all.
            assertThatThrownBy(() -> fx.apply(t, List.of(
                    Mutation.upsert(at(2), "[1]", "{\"id\":1,\"i8\":2}"),
                    Mutation.upsert(at(2), "[2]", "{\"id\":2,\"" + r[0] + "\":" + r[1] + "}"))))
                    .as("%s %s", r[0], r[1]).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("column " + r[0] + ": value '")
                    .hasMessageContaining("does not fit MySQL type")
                    .hasMessageContaining(r[2])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(fx.rows("SELECT id, i8 FROM t")).as(r[0]).containsExactly(List.of("1", "1"));
        }
    }

    private static float finiteFloat(Random r) {
        float f;
        do {
            f = Float.intBitsToFloat(r.nextInt());
        } while (!Float.isFinite(f) || f == 0 && 1 / f < 0);
        return f;
    }

    private static double finiteDouble(Random r) {
        double d;
        do {
            d = Double.longBitsToDouble(r.nextLong());
        } while (!Double.isFinite(d) || d == 0 && 1 / d < 0);
        return d;
    }

    private static String bits(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(r.nextBoolean() ? '1' : '0');
        }
        return sb.toString();
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Random text of up to {@code max} code points: ASCII, accents, CJK and 4-byte characters. */
    private static String text(Random r, int max) {
        int n = r.nextInt(max + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(4);
            int cp = switch (kind) {
                case 0 -> 0x20 + r.nextInt(0x5f);
                case 1 -> 0xc0 + r.nextInt(0x100);
                case 2 -> 0x4e00 + r.nextInt(0x5000);
                default -> 0x1f300 + r.nextInt(0x300);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
