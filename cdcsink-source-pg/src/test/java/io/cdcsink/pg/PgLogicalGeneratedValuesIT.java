package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.pg.PgReplication.Mode;
import io.cdcsink.testing.EmbeddedPg;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Generated values on top of {@link PgLogicalTypeMatrixIT}'s edge cases: each try writes a batch of random rows (one
 * transaction, so the loop copies them) and random single-row updates through {@code pglogical}, then compares source
 * and target cell by cell through each type's output function. jqwik prints each property's seed in its report; a
 * failure is replayed by {@code @Property(seed = "...")} (and, first thing, on the next run).
 */
class PgLogicalGeneratedValuesIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();

    /** A column and how to generate its values as input text. */
    private record Column(String name, String type, Arbitrary<String> values) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("i8", "bigint", Arbitraries.longs().map(String::valueOf)),
            new Column("num", "numeric", numerics()),
            new Column("f4", "real", Arbitraries.integers().map(b -> Float.toString(Float.intBitsToFloat(b)))),
            new Column("f8", "double precision", Arbitraries.longs()
                    .map(b -> Double.toString(Double.longBitsToDouble(b)))),
            new Column("txt", "text", texts(40)),
            new Column("bin", "bytea", Arbitraries.bytes().array(byte[].class).ofMaxSize(64)
                    .map(b -> "\\x" + HexFormat.of().formatHex(b))),
            new Column("d", "date", dates()),
            new Column("ts", "timestamp", timestamps().map(t -> t.toString().replace('T', ' '))),
            new Column("tstz", "timestamptz", Combinators.combine(timestamps(), Arbitraries.integers().between(-57599,
                    57599)).as((t, offset) -> t + ZoneOffset.ofTotalSeconds(offset / 60 * 60).getId()
                    .replace("Z", "+00:00"))),
            new Column("iv", "interval", Combinators.combine(Arbitraries.integers().between(-120_000, 120_000),
                    Arbitraries.integers().between(-3_000_000, 3_000_000),
                    Arbitraries.longs().between(-86_400_000_000_000L, 86_400_000_000_000L))
                    .as((months, days, micros) -> months + " mons " + days + " days " + micros + " microseconds")),
            new Column("js", "json", json(3, true)),
            new Column("jb", "jsonb", json(3, false)),
            new Column("i4a", "integer[]", Arbitraries.integers().injectNull(0.2).list().ofMaxSize(6)
                    .map(l -> l.stream().map(v -> v == null ? "NULL" : v.toString())
                            .collect(Collectors.joining(",", "{", "}")))),
            new Column("txta", "text[]", texts(10).injectNull(0.2).list().ofMaxSize(4)
                    .map(l -> l.stream().map(v -> v == null ? "NULL" : "\"" + v.replace("\\", "\\\\")
                            .replace("\"", "\\\"") + "\"").collect(Collectors.joining(",", "{", "}")))),
            new Column("u", "uuid", Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()).toString())),
            new Column("ip", "inet", Arbitraries.randomValue(r -> r.nextBoolean()
                    ? (r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "/"
                    + (1 + r.nextInt(32)))
                    : HexFormat.of().formatHex(new byte[] {(byte) r.nextInt(), (byte) r.nextInt()}) + "::"
                    + Integer.toHexString(r.nextInt(65536)) + "/" + (1 + r.nextInt(128)))),
            new Column("r", "numrange", Combinators.combine(numerics(), numerics()).as((a, b) -> {
                if (a.equals("NaN") || b.equals("NaN")) {
                    return "empty";
                }
                boolean ordered = new BigDecimal(a).compareTo(new BigDecimal(b)) <= 0;
                return "[" + (ordered ? a : b) + "," + (ordered ? b : a) + ")";
            })));
    private static final List<String> NAMES = COLUMNS.stream().map(Column::name).toList();

    private PgReplication replication;
    private int nextKey;

    private static Arbitrary<String> numerics() {
        Arbitrary<String> finite = Combinators.combine(Arbitraries.bigIntegers()
                        .between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
                        Arbitraries.integers().between(-20, 40))
                .as((unscaled, scale) -> new BigDecimal(unscaled, scale).toString());
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(20, finite),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("NaN")));
    }

    /** Text of any characters PostgreSQL text holds (no NUL), control characters and backslashes included. */
    private static Arbitrary<String> texts(int maxLength) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 0x7f)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of((int) '\\', (int) '\t', (int) '\n', (int) '\r', (int) '"')),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoint.list().ofMaxSize(maxLength).map(cps -> cps.stream()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    /** Dates of the proleptic Gregorian calendar, before Christ included (PostgreSQL writes those with BC). */
    private static Arbitrary<String> dates() {
        return Arbitraries.longs().between(LocalDate.of(-4712, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31)
                .toEpochDay()).map(LocalDate::ofEpochDay).map(d -> d.getYear() > 0 ? d.toString()
                : String.format("%04d-%02d-%02d BC", 1 - d.getYear(), d.getMonthValue(), d.getDayOfMonth()));
    }

    private static Arbitrary<LocalDateTime> timestamps() {
        return Combinators.combine(Arbitraries.longs().between(LocalDate.of(1, 1, 1).toEpochDay(),
                        LocalDate.of(9999, 12, 31).toEpochDay()), Arbitraries.longs().between(0, 86_399_999_999L))
                .as((day, micros) -> LocalDate.ofEpochDay(day).atStartOfDay().plusNanos(micros * 1000));
    }

    /** JSON text with random whitespace; the json column also gets duplicate keys and escapes. */
    private static Arbitrary<String> json(int depth, boolean loose) {
        Arbitrary<String> space = Arbitraries.of("", " ", "\n", "\t ");
        Arbitrary<String> scalar = Arbitraries.oneOf(Arbitraries.of("null", "true", "false", "-0", "1.50", "1e400"),
                Arbitraries.longs().map(String::valueOf),
                texts(8).map(t -> io.cdcsink.api.JsonText.appendString(new StringBuilder(), t).toString()),
                Arbitraries.of("\"\\u00e9\\n\\\"\"", "\"\\ud83d\\ude00\""));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> nested = json(depth - 1, loose);
        Arbitrary<String> array = Combinators.combine(nested.list().ofMaxSize(3), space)
                .as((items, s) -> "[" + s + String.join("," + s, items) + s + "]");
        Arbitrary<String> key = loose ? Arbitraries.of("\"a\"", "\"b\"", "\"\\u0062\"") : Arbitraries.of("\"a\"",
                "\"b\"", "\"c\"", "\"d\"");
        Arbitrary<String> object = Combinators.combine(Combinators.combine(key, nested).as((k, v) -> k + ":" + v)
                        .list().ofMaxSize(3), space)
                .as((items, s) -> "{" + s + String.join("," + s, items) + s + "}");
        return Arbitraries.oneOf(scalar, array, object);
    }

    /** A row's values in column order, some NULL. */
    private static Arbitrary<List<String>> row() {
        return Combinators.combine(COLUMNS.stream().map(c -> c.values().injectNull(0.1)).toList())
                .as(ArrayList::new);
    }

    /** Enough new rows for one transaction that the loop copies. */
    @Provide
    Arbitrary<List<List<String>>> batch() {
        return row().list().ofMinSize(60).ofMaxSize(80);
    }

    @Provide
    Arbitrary<List<List<String>>> updates() {
        return row().list().ofMaxSize(5);
    }

    @BeforeProperty
    void startReplication() throws Exception {
        replication = new PgReplication(PG, Mode.CONSISTENT, "CREATE TABLE gen (k int PRIMARY KEY, "
                + COLUMNS.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ")) + ")")
                .start();
    }

    @AfterProperty
    void stopReplication() throws Exception {
        replication.close();
    }

    @Property(tries = 4, shrinking = ShrinkingMode.BOUNDED)
    void generatedValuesArriveExactly(@ForAll("batch") List<List<String>> rows,
                                      @ForAll("updates") List<List<String>> updates) throws Exception {
        int first = nextKey;
        nextKey += rows.size() + 1;
        String insert = "INSERT INTO gen (k, " + String.join(", ", NAMES) + ") VALUES (?" + ", ?".repeat(NAMES.size())
                + ")";
        try (Connection c = replication.source(); PreparedStatement ps = c.prepareStatement(insert)) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows.size(); i++) {
                ps.setInt(1, first + i);
                for (int col = 0; col < NAMES.size(); col++) {
                    ps.setObject(col + 2, rows.get(i).get(col), Types.OTHER);
                }
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        String update = "UPDATE gen SET " + NAMES.stream().map(n -> n + " = ?").collect(Collectors.joining(", "))
                + " WHERE k = ?";
        for (int i = 0; i < updates.size(); i++) {
            try (Connection c = replication.source(); PreparedStatement ps = c.prepareStatement(update)) {
                for (int col = 0; col < NAMES.size(); col++) {
                    ps.setObject(col + 1, updates.get(i).get(col), Types.OTHER);
                }
                ps.setInt(NAMES.size() + 1, first + i);
                ps.executeUpdate();
            }
        }
        replication.awaitApplied();
        assertThat(replication.differences("gen", List.of("k"), NAMES)).as("cells that differ").isEmpty();
    }
}
