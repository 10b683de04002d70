package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.ValueFormat;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CopyInsertIT {
    private static final String COLUMNS = "(id BIGINT PRIMARY KEY, i INT, s SMALLINT, n NUMERIC(18,4), r REAL, "
            + "d DOUBLE PRECISION, t TEXT, v VARCHAR(20), c CHAR(3), b BOOLEAN, dt DATE, u UUID, by BYTEA, "
            + "iv INTERVAL, ts TIMESTAMP, tz TIMESTAMPTZ(3), tm TIME, ttz TIMETZ)";
    private static final String[] TEXTS = {"plain", "tab\there", "new\nline", "cr\rreturn", "back\\slash",
        "\\N", "\\.", "quote \"q\"", "caf\u00e9 \ud83d\ude00", "", " ", "x\\ty"};

    private final JsonCodec json = new JsonCodec();
    private ApplyFixture fx;
    private CopyInsert copy;

    @BeforeEach
    void setUp() {
        fx = new ApplyFixture("copyins");
        copy = new CopyInsert(ValueFormat.CHANGEFEED_JSON);
    }

    @Test
    void copiedRowsAreStoredExactlyAsTheUpsertStoresThem() throws Exception {
        fx.exec("CREATE TABLE copied " + COLUMNS, "CREATE TABLE upserted " + COLUMNS);
        TableInfo copied = fx.catalog.table(fx.table("copied")).orElseThrow();
        TableInfo upserted = fx.catalog.table(fx.table("upserted")).orElseThrow();
        Random random = new Random(42);
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < 2000; id++) {
            rows.add(Row.scan(json, json.mapper().writeValueAsString(row(random, id))).orElseThrow());
        }
        List<ColumnInfo> columns = copied.columns();
        try (Connection tx = fx.connect()) {
            tx.setAutoCommit(false);
            CopyInsert.RowLines lines = new CopyInsert.RowLines(columns);
            for (Row r : rows) {
                assertThat(lines.append(new StringBuilder(), r)).as(r.text().orElseThrow()).isTrue();
            }
            for (int i = 0; i < rows.size(); i += 500) {
                assertThat(copy.write(tx, copied, TableConfig.EMPTY, columns, rows.subList(i, i + 500))).isTrue();
            }
            new PostgresApplySql(json).upsert(tx, upserted, TableConfig.EMPTY, upserted.columns(), rows);
            tx.commit();
        }
        List<String> viaCopy = texts("SELECT x::text FROM copied x ORDER BY id");
        assertThat(viaCopy).hasSize(2000).isEqualTo(texts("SELECT x::text FROM upserted x ORDER BY id"));
        assertThat(viaCopy).anyMatch(r -> r.contains("\\\\N")).anyMatch(r -> r.contains(",,"));
    }

    @Test
    void anExistingKeyLeavesTheTransactionAsItWasAndTheTableSkipsCopyForLonger() throws SQLException {
        fx.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
        TableInfo table = fx.catalog.table(fx.table("t")).orElseThrow();
        try (Connection tx = fx.connect()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                s.execute("INSERT INTO t VALUES (1, 'before')");
            }
            assertThat(write(tx, table, block(100, 1))).as("key 1 exists").isFalse();
            assertThat(write(tx, table, block(200))).as("skipped once after the first failure").isFalse();
            assertThat(write(tx, table, block(300, 1))).isFalse();
            assertThat(write(tx, table, block(400))).isFalse();
            assertThat(write(tx, table, block(500))).as("skipped twice after the second failure in a row").isFalse();
            assertThat(write(tx, table, block(600))).isTrue();
            assertThat(write(tx, table, block(700, 1))).isFalse();
            assertThat(write(tx, table, block(800))).as("a success reset the penalty to one chunk").isFalse();
            assertThat(write(tx, table, block(900))).isTrue();
            tx.commit();
        }
        assertThat(texts("SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM t WHERE id > 1"))
                .containsExactly("100 600 949");
        assertThat(texts("SELECT id || '=' || v FROM t WHERE id IN (1, 600, 949) ORDER BY id"))
                .containsExactly("1=before", "600=v600", "949=v949");
    }

    @Test
    void smallChunksAreUpsertedAndATransactionSetsABoundedNumberOfSavepoints() throws SQLException {
        fx.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
        TableInfo table = fx.catalog.table(fx.table("t")).orElseThrow();
        try (Connection tx = fx.connect()) {
            tx.setAutoCommit(false);
            assertThat(write(tx, table, block(0).subList(0, CopyInsert.MIN_ROWS - 1))).isFalse();
            int copied = 0;
            for (int chunk = 1; chunk <= 40; chunk++) {
                copied += write(tx, table, block(chunk * 100L)) ? 1 : 0;
            }
            assertThat(copied).as("chunks copied in one transaction").isEqualTo(SavepointBudget.PER_TRANSACTION);
            tx.commit();
            assertThat(write(tx, table, block(5000))).as("the next transaction has a budget of its own").isTrue();
            tx.commit();
        }
    }

    @Test
    void rowsThatCopyWouldReadDifferentlyAreLeftToTheUpsert() throws SQLException {
        fx.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, n NUMERIC, d DOUBLE PRECISION)",
                "CREATE TABLE j (id BIGINT PRIMARY KEY, doc JSONB)", "CREATE TABLE a (id BIGINT PRIMARY KEY, xs INT[])");
        TableInfo t = fx.catalog.table(fx.table("t")).orElseThrow();
        try (Connection tx = fx.connect()) {
            tx.setAutoCommit(false);
            assertThat(writeWith(tx, t, "{\"id\":1,\"n\":{\"x\":1},\"d\":1}")).isFalse();
            assertThat(writeWith(tx, t, "{\"id\":1,\"n\":1}")).as("a column missing").isFalse();
            assertThat(writeWith(tx, t, "{\"id\":1,\"n\":1,\"d\":2.5,\"other\":1}")).as("an unknown column")
                    .isFalse();
            List<Row> built = new ArrayList<>(plain().subList(1, CopyInsert.MIN_ROWS));
            built.add(Row.of(JsonNodeFactory.instance.objectNode().put("id", 1).put("n", 1).put("d", 1)));
            assertThat(copy.write(tx, t, TableConfig.EMPTY, t.columns(), built)).isFalse();
            TableConfig expr = new TableConfig(List.of(), Map.of(), Map.of("n", "$0 + 1"), Optional.empty(), Set.of(),
                    Map.of());
            assertThat(copy.write(tx, t, expr, t.columns(), plain())).isFalse();
            TableInfo j = fx.catalog.table(fx.table("j")).orElseThrow();
            assertThat(copy.write(tx, j, TableConfig.EMPTY, j.columns(), many("{\"id\":%d,\"doc\":\"{}\"}")))
                    .isFalse();
            // An array's text is what both read; a JSON array is not a scalar FlatJson reads.
            TableInfo a = fx.catalog.table(fx.table("a")).orElseThrow();
            assertThat(copy.write(tx, a, TableConfig.EMPTY, a.columns(), many("{\"id\":%d,\"xs\":\"{1,2}\"}")))
                    .isTrue();
            assertThat(copy.write(tx, a, TableConfig.EMPTY, a.columns(), many("{\"id\":%d,\"xs\":[1,2]}")))
                    .isFalse();
            // Refused rows back off like conflicts (they cost a savepoint and a cancelled COPY): a fresh writer.
            copy = new CopyInsert(ValueFormat.CHANGEFEED_JSON);
            assertThat(writeWith(tx, t, "{\"d\":-0.0,\"n\":-10.250,\"id\":1}")).as("any order, plain numbers")
                    .isTrue();
            tx.commit();
        }
        // A float keeps its negative zero: both paths hand the number's text to the input function.
        assertThat(texts("SELECT id || ' ' || n || ' ' || d FROM t WHERE id = 1")).containsExactly("1 -10.250 -0");
        assertThat(texts("SELECT count(*)::text FROM t")).containsExactly(String.valueOf(CopyInsert.MIN_ROWS));
        assertThat(texts("SELECT id::text FROM j")).isEmpty();
        assertThat(texts("SELECT xs::text FROM a GROUP BY xs")).containsExactly("{1,2}");
    }

    private static ObjectNode row(Random random, int id) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", id);
        maybe(random, n, "i", () -> n.put("i", random.nextInt()));
        maybe(random, n, "s", () -> n.put("s", (short) random.nextInt()));
        maybe(random, n, "n", () -> {
            BigDecimal value = BigDecimal.valueOf(random.nextLong() % 100_000_000_000L, random.nextInt(5));
            if (random.nextBoolean()) {
                n.put("n", value);
            } else {
                n.put("n", value.toPlainString());
            }
        });
        maybe(random, n, "r", () -> n.put("r", new BigDecimal(String.valueOf(random.nextInt(20000) / 16.0 - 500))));
        maybe(random, n, "d", () -> n.put("d", BigDecimal.valueOf(random.nextLong() % 10_000_000, 3)));
        maybe(random, n, "t", () -> n.put("t", TEXTS[random.nextInt(TEXTS.length)] + random.nextInt(100)));
        maybe(random, n, "v", () -> n.put("v", TEXTS[random.nextInt(TEXTS.length)]));
        maybe(random, n, "c", () -> n.put("c", "ab"));
        maybe(random, n, "b", () -> {
            if (random.nextBoolean()) {
                n.put("b", random.nextBoolean());
            } else {
                n.put("b", random.nextBoolean() ? "t" : "no");
            }
        });
        maybe(random, n, "dt", () -> n.put("dt", "2026-" + (1 + random.nextInt(12)) + "-" + (1 + random.nextInt(28))));
        maybe(random, n, "u", () -> n.put("u", new UUID(random.nextLong(), random.nextLong()).toString()));
        maybe(random, n, "by", () -> n.put("by", "\\x" + String.format("%04x", random.nextInt(0x10000))));
        maybe(random, n, "iv", () -> n.put("iv", random.nextInt(400) + " days " + random.nextInt(24) + ":05:06"));
        maybe(random, n, "ts", () -> n.put("ts", "2026-11-26T12:34:" + (10 + random.nextInt(50)) + ".123456"));
        maybe(random, n, "tz", () -> n.put("tz", "2026-11-26T12:34:56." + random.nextInt(1_000_000)
                + (random.nextBoolean() ? "Z" : "+05:30")));
        maybe(random, n, "tm", () -> n.put("tm", "12:" + (10 + random.nextInt(50)) + ":56.789"));
        maybe(random, n, "ttz", () -> n.put("ttz", "12:34:56-0" + random.nextInt(10)));
        return n;
    }

    /** Sets the column with the action, or to null one time in eight. */
    private static void maybe(Random random, ObjectNode node, String column, Runnable set) {
        if (random.nextInt(8) == 0) {
            node.putNull(column);
        } else {
            set.run();
        }
    }

    /** Rows {@code first} .. {@code first + MIN_ROWS - 1} of {@code (id, v)}, plus the extra ids. */
    private List<Row> block(long first, long... extra) {
        List<String> texts = new ArrayList<>();
        for (long id = first; id < first + CopyInsert.MIN_ROWS; id++) {
            texts.add("{\"id\":" + id + ",\"v\":\"v" + id + "\"}");
        }
        for (long id : extra) {
            texts.add("{\"id\":" + id + ",\"v\":\"v" + id + "\"}");
        }
        return rows(texts.toArray(String[]::new));
    }

    private boolean write(Connection tx, TableInfo table, List<Row> rows) throws SQLException {
        return copy.write(tx, table, TableConfig.EMPTY, table.columns(), rows);
    }

    /** Plain rows of {@code (id, n, d)} with ids 2 .. MIN_ROWS. */
    private List<Row> plain() {
        return many("{\"id\":%d,\"n\":1,\"d\":1}").subList(0, CopyInsert.MIN_ROWS);
    }

    /** MIN_ROWS rows from a format with the id as its only argument, ids 2 .. MIN_ROWS + 1. */
    private List<Row> many(String format) {
        List<String> texts = new ArrayList<>();
        for (int id = 2; id < CopyInsert.MIN_ROWS + 2; id++) {
            texts.add(String.format(format, id));
        }
        return rows(texts.toArray(String[]::new));
    }

    /** {@code text} as the first row of a chunk, then MIN_ROWS - 1 plain rows. */
    private boolean writeWith(Connection tx, TableInfo table, String text) throws SQLException {
        List<Row> chunk = new ArrayList<>(rows(text));
        chunk.addAll(plain().subList(0, CopyInsert.MIN_ROWS - 1));
        return write(tx, table, chunk);
    }

    private List<Row> rows(String... texts) {
        List<Row> rows = new ArrayList<>();
        for (String text : texts) {
            try {
                rows.add(Row.scan(json, text).orElseThrow());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError(e);
            }
        }
        return rows;
    }

    private List<String> texts(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = fx.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
