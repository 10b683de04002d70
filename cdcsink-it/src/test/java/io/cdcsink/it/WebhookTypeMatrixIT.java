package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.demo.emulator.RowChange;
import io.cdcsink.demo.emulator.SourceTransaction;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import io.cdcsink.webhook.WebhookConfig;
import io.cdcsink.webhook.WebhookServer;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The changefeed endpoint's type matrix. A PostgreSQL table stands in for the CockroachDB source: its rows are
 * encoded as a CockroachDB changefeed encodes each type in JSON (numbers for INT, FLOAT and DECIMAL, ISO strings with
 * {@code T} for timestamps, UTC with {@code Z} for TIMESTAMPTZ, {@code \x} hex for BYTES, JSON arrays for arrays,
 * the document itself for JSONB, the output text for the rest), posted over real HTTP by the changefeed emulator
 * (several nodes, shuffled and duplicated batches, resolved timestamps), and the target is compared with the source
 * cell by cell through each type's output function.
 */
class WebhookTypeMatrixIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();
    private static final int BATCH = 60;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** How a changefeed writes a column's values. */
    private enum Encoding { BOOL, NUMBER, FLOAT4, FLOAT8, DECIMAL, STRING, JSON, ARRAY, TIMESTAMP, TIMESTAMPTZ }

    private record Column(String name, String type, Encoding encoding, List<String> values) {
        /** What the source query selects for the column: the text the encoding starts from. */
        String select() {
            return switch (encoding) {
                case ARRAY -> "to_json(" + name + ")::text";
                case TIMESTAMPTZ -> "(" + name + " AT TIME ZONE 'UTC')::text";
                default -> name + "::text";
            };
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("b", "boolean", Encoding.BOOL, List.of("true", "false")),
            new Column("i2", "smallint", Encoding.NUMBER, List.of("-32768", "32767")),
            new Column("i4", "integer", Encoding.NUMBER, List.of("-2147483648", "2147483647", "0")),
            new Column("i8", "bigint", Encoding.NUMBER, List.of("-9223372036854775808", "9223372036854775807")),
            new Column("f4", "real", Encoding.FLOAT4, List.of("NaN", "Infinity", "-Infinity", "-0", "1.4e-45",
                    "3.4028235e+38", "0.1")),
            new Column("f8", "double precision", Encoding.FLOAT8, List.of("NaN", "Infinity", "-Infinity", "-0",
                    "4.9e-324", "1.7976931348623157e+308", "0.1", "1e+21", "123456789.125")),
            new Column("dec", "numeric", Encoding.DECIMAL, List.of("0", "1.50", "-0.0000001", "400",
                    "123456789012345678901234567890.123456789", "1e-30")),
            new Column("dec_s", "numeric(12,4)", Encoding.DECIMAL, List.of("-99999999.9999", "0.0001")),
            new Column("s", "text", Encoding.STRING, List.of("", "tab\tnew\nline \\ \\N \"q\" '", "\u00e9\ud83d\ude00",
                    "NULL", "\u0001\u001f")),
            new Column("vc", "varchar(20)", Encoding.STRING, List.of("exactly twenty chars", "")),
            new Column("by", "bytea", Encoding.STRING, List.of("\\x", "\\x00ff5c0a0d09", "\\x" + "7f".repeat(300))),
            new Column("d", "date", Encoding.STRING, List.of("0001-01-01", "9999-12-31", "2000-02-29")),
            new Column("t", "time", Encoding.STRING, List.of("00:00:00", "23:59:59.999999")),
            new Column("tz", "timetz", Encoding.STRING, List.of("12:00:00.5+02", "00:00:00-15:59")),
            new Column("ts", "timestamp", Encoding.TIMESTAMP, List.of("0001-01-01 00:00:00", "9999-12-31 23:59:59.999999",
                    "2024-02-29 12:00:00.5")),
            new Column("tstz", "timestamptz", Encoding.TIMESTAMPTZ, List.of("2024-03-31 01:59:59.999999-07",
                    "1970-01-01 00:00:00+00", "0001-01-01 00:00:00+00")),
            new Column("iv", "interval", Encoding.STRING, List.of("1 year 2 mons 3 days 04:05:06.789", "-00:00:00.000001",
                    "00:00:00")),
            new Column("u", "uuid", Encoding.STRING, List.of("00000000-0000-0000-0000-000000000000",
                    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
            new Column("ip", "inet", Encoding.STRING, List.of("192.168.0.1/24", "::1", "::ffff:1.2.3.4/128")),
            // Not the JSON null: a changefeed writes it as it writes SQL NULL, so no consumer can tell them apart.
            new Column("j", "jsonb", Encoding.JSON, List.of("{\"a\": [1, {\"b\": null}], \"z\": 1.50}", "\"string\"",
                    "[]", "123456789012345678901234567890.5", "{\"\u00e9\": \"\ud83d\ude00\"}", "-0", "1e400")),
            new Column("ia", "bigint[]", Encoding.ARRAY, List.of("{}", "{1,NULL,-9223372036854775808}")),
            new Column("sa", "text[]", Encoding.ARRAY, List.of("{\"a,b\",\"NULL\",NULL,\"\\\"q\\\"\",\"\"}", "{}")),
            new Column("da", "numeric[]", Encoding.ARRAY, List.of("{1.50,-0.0001,400}")),
            new Column("e", "mood", Encoding.STRING, List.of("sad", "happy")),
            new Column("ea", "mood[]", Encoding.ARRAY, List.of("{ok,happy}")),
            new Column("bits", "varbit", Encoding.STRING, List.of("", "1010", "1".repeat(64))),
            new Column("b8", "bit(8)", Encoding.STRING, List.of("10101010")));
    private static final List<String> NAMES = COLUMNS.stream().map(Column::name).toList();

    private static String value(Column c, int row) {
        int slot = Math.floorMod(row + c.name().length(), c.values().size() + 1);
        return slot == c.values().size() ? null : c.values().get(slot);
    }

    /** A value in the changefeed's JSON, from the source's text. */
    private static String encode(Column c, String text) {
        if (text == null) {
            return "null";
        }
        return switch (c.encoding()) {
            case BOOL -> text;
            case NUMBER, JSON, ARRAY -> text;
            case FLOAT4 -> floating(text, Float.parseFloat(text));
            case FLOAT8 -> floating(text, Double.parseDouble(text));
            // A DECIMAL is a JSON number in the General Decimal Arithmetic's scientific form (4E+2, 1E-30).
            case DECIMAL -> new BigDecimal(text).toString();
            case STRING -> string(text);
            case TIMESTAMP -> string(text.replace(' ', 'T'));
            case TIMESTAMPTZ -> string(text.replace(' ', 'T') + "Z");
        };
    }

    /** A float as its float64's shortest decimal, in scientific form where large or small; non-numbers as strings. */
    private static String floating(String text, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return string(text);
        }
        if (value == 0 && 1 / value < 0) {
            return "-0";
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toString();
    }

    private static String string(String text) {
        return io.cdcsink.api.JsonText.appendString(new StringBuilder(), text).toString();
    }

    /** The source's current rows of these keys, as changefeed events; keys without a row as deletes. */
    private static List<RowChange> changes(Connection source, Set<Integer> keys) throws SQLException {
        String sql = "SELECT k, " + COLUMNS.stream().map(Column::select).collect(Collectors.joining(", "))
                + " FROM types WHERE k = ANY (?)";
        List<RowChange> out = new ArrayList<>();
        Set<Integer> seen = new TreeSet<>();
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            ps.setArray(1, source.createArrayOf("int4", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int k = rs.getInt(1);
                    seen.add(k);
                    StringBuilder after = new StringBuilder("{\"k\":").append(k);
                    for (int i = 0; i < COLUMNS.size(); i++) {
                        after.append(",\"").append(COLUMNS.get(i).name()).append("\":")
                                .append(encode(COLUMNS.get(i), rs.getString(i + 2)));
                    }
                    out.add(RowChange.upsert("types", "[" + k + "]", after.append('}').toString()));
                }
            }
        }
        for (int k : keys) {
            if (!seen.contains(k)) {
                out.add(RowChange.delete("types", "[" + k + "]"));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void everyTypeArrivesExactly(boolean immediate) throws Exception {
        String source = PG.freshDatabase("crdb");
        String target = PG.freshDatabase("whtypes");
        String ddl = "CREATE TABLE types (k int PRIMARY KEY, " + COLUMNS.stream().map(c -> c.name() + " " + c.type())
                .collect(Collectors.joining(", ")) + ")";
        for (String db : List.of(source, target)) {
            PG.exec(db, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", ddl);
        }
        try (Replicator r = Replicator.builder().target(TargetConfig.of(PG.connectionString() + "")
                        .withImmediate(immediate))
                .source("webhook", WebhookConfig.of("127.0.0.1:0").toOptions()).disableAuthentication().start();
             Connection src = DriverManager.getConnection(PG.jdbcUrl(source));
             ChangefeedEmulator feed = new ChangefeedEmulator(URI.create("http://127.0.0.1:"
                     + r.source(WebhookServer.class).port()), EmulatorConfig.to("/" + target + "/public")
                     .withNodes(3).withShuffle(true).withDuplicateProbability(0.2).withSeed(25)
                     .withResolvedInterval(Duration.ofMillis(1)).withBatchSize(BATCH))) {
            Matrix m = new Matrix(src, feed, source, target);
            m.step("a copied batch", IntStream.range(0, BATCH).boxed().toList(), k -> insert(src, k, 0));
            m.step("single-row inserts", IntStream.range(100, 110).boxed().toList(), k -> insert(src, k, 0));
            m.step("every column updated", IntStream.range(0, BATCH).boxed().toList(), k -> update(src, k, 5));
            for (int shift = 1; shift <= 3; shift++) {
                int by = shift;
                m.step("consecutive updates of one key", List.of(100), k -> update(src, k, by));
            }
            m.step("key changes", List.of(1, 1001, 2, 1002),
                    k -> exec(src, k < 1000 ? "UPDATE types SET k = k + 1000 WHERE k = " + k : null));
            m.step("deletes", List.of(3, 4, 5, 105), k -> exec(src, "DELETE FROM types WHERE k = " + k));
        }
    }

    /** Runs steps on the source and sends what each changed as one changefeed transaction. */
    private static final class Matrix {
        private final Connection source;
        private final ChangefeedEmulator feed;
        private final String sourceDb;
        private final String targetDb;
        private long commit = 1;

        Matrix(Connection source, ChangefeedEmulator feed, String sourceDb, String targetDb) {
            this.source = source;
            this.feed = feed;
            this.sourceDb = sourceDb;
            this.targetDb = targetDb;
        }

        void step(String name, List<Integer> keys, KeyAction action) throws Exception {
            for (int k : keys) {
                action.run(k);
            }
            feed.deliver(List.of(new SourceTransaction(new Hlc(commit++ * 1_000_000, 0),
                    changes(source, new TreeSet<>(keys)))), WAIT);
            // A resolved timestamp is acknowledged once staged; the window is applied right after.
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> diff;
            do {
                diff = TableDiff.differences(PG.jdbcUrl(sourceDb), PG.jdbcUrl(targetDb), "types", List.of("k"),
                        NAMES);
            } while (!diff.isEmpty() && System.nanoTime() < deadline && pause());
            assertThat(diff).as("cells that differ after " + name).isEmpty();
        }

        private static boolean pause() throws InterruptedException {
            Thread.sleep(50);
            return true;
        }
    }

    @FunctionalInterface
    private interface KeyAction {
        void run(int key) throws SQLException;
    }

    private static void insert(Connection c, int k, int shift) throws SQLException {
        String sql = "INSERT INTO types (k, " + String.join(", ", NAMES) + ") VALUES (?" + ", ?".repeat(NAMES.size())
                + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, k);
            for (int i = 0; i < COLUMNS.size(); i++) {
                ps.setObject(i + 2, value(COLUMNS.get(i), k + shift), Types.OTHER);
            }
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, int k, int shift) throws SQLException {
        String sql = "UPDATE types SET " + NAMES.stream().map(n -> n + " = ?").collect(Collectors.joining(", "))
                + " WHERE k = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                ps.setObject(i + 1, value(COLUMNS.get(i), k + shift), Types.OTHER);
            }
            ps.setInt(COLUMNS.size() + 1, k);
            ps.executeUpdate();
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        if (sql != null) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }
}
