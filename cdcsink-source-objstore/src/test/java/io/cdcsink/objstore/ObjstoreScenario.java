package io.cdcsink.objstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The changefeed scenario every store runs: two tables (one topic in full_table_name form, one gzip file), updates
 * and deletes across files and date directories, a resolved file that arrives after a row file sorting after it,
 * stops and restarts, and a crash between a file's acceptance and its progress write.
 */
abstract class ObjstoreScenario {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final String BIG = "123456789012345678901234.5";

    final EmbeddedPg pg = EmbeddedPg.shared();
    String db;
    Feed feed;

    /** The {@code --source} URL of the store the feed writes to, with any S3 options. */
    abstract Map<String, String> sourceOptions();

    void createTables() throws SQLException {
        db = pg.freshDatabase("objstore");
        pg.exec(db, "CREATE TABLE a (id INT PRIMARY KEY, v TEXT)",
                "CREATE TABLE b (k1 TEXT, k2 INT, n NUMERIC, PRIMARY KEY (k1, k2))");
    }

    Replicator start(boolean immediate) throws Exception {
        return Replicator.builder().target(TargetConfig.of(pg.connectionString())).disableAuthentication()
                .source(ObjstoreSourceProvider.NAME, options(immediate)).start();
    }

    /** The source a test's own provider makes, in consistent mode, with the options {@link #start} gives. */
    Replicator start(SourceProvider provider) throws Exception {
        return Replicator.builder().target(TargetConfig.of(pg.connectionString())).disableAuthentication()
                .source(provider, options(false)).start();
    }

    private Map<String, String> options(boolean immediate) {
        Map<String, String> options = new HashMap<>(sourceOptions());
        options.put("targetSchema", db + ".public");
        options.put("pollInterval", "50ms");
        options.put("immediate", Boolean.toString(immediate));
        return options;
    }

    void runConsistentScenario() throws Exception {
        createTables();
        String r1 = feed.rows("a", "a", Feed.at(1), false, "[1]", Feed.a(1, "a1@1"), "[2]", Feed.a(2, "a2@1"));
        String r2 = feed.rows("defaultdb.public.b", "b", Feed.at(2), true,
                "[\"x\", 1]", "{\"k1\":\"x\",\"k2\":1,\"n\":1.5}", "[\"y\", 2]", "{\"k1\":\"y\",\"k2\":2,\"n\":" + BIG + "}");
        // In the second date directory: sorts after the resolved file at 2 that is written later.
        String r3 = feed.rows("a", "a", Feed.at(3), false, "[1]", Feed.a(1, "a1@3"), "[2]", null);
        assertThat(r1.compareTo(r2)).isNegative();
        assertThat(r3).startsWith("2024-05-02/");

        try (Replicator r = start(false)) {
            await("every row file processed", () -> lastFile().equals(Optional.of(r3)));
            assertThat(target()).as("nothing applied before a resolved file covers it").isEmpty();

            String res2 = feed.resolved(Feed.at(2));
            assertThat(res2).startsWith("2024-05-01/");
            awaitTarget(Feed.at(2));
            assertThat(target().get("b").get(JSON.readTree("[\"y\",2]")).get("n").decimalValue().toPlainString())
                    .as("numbers keep every digit").isEqualTo(BIG);
            await("resolved file recorded", () -> lastFile().equals(Optional.of(res2)));
            healthy(r);
        }

        // Stopped: more files arrive; a row at 4 must wait for the resolved file at 5.
        feed.rows("defaultdb.public.b", "b", Feed.at(4), false, "[\"x\", 1]", "{\"k1\":\"x\",\"k2\":1,\"n\":2.5}",
                "[\"y\", 2]", null);
        String res3 = feed.resolved(Feed.at(3));
        try (Replicator r = start(false)) {
            awaitTarget(Feed.at(3));
            await("resolved file at 3 recorded", () -> lastFile().isPresent()
                    && lastFile().get().compareTo(res3) >= 0);
            assertThat(target()).as("the row at 4 waits").isEqualTo(expectedJson(Feed.at(3)));
            feed.resolved(Feed.at(5));
            awaitTarget(Feed.at(5));

            feed.rows("a", "a", Feed.at(7), false, "[1]", Feed.a(1, "a1@7"), "[5]", Feed.a(5, "a5@7"));
            feed.rows("a", "a", Feed.at(8), true, "[1]", Feed.a(1, "a1@8"));
            String res8 = feed.resolved(Feed.at(8));
            awaitTarget(Feed.at(8));
            await("resolved file at 8 recorded", () -> lastFile().equals(Optional.of(res8)));
            healthy(r);
        }

        // A crash right after the pipeline took the resolved file at 8 (and applied it), before its progress write:
        // the progress row still names the file before it and the resolved file at 5.
        String res5 = Feed.stem(Feed.at(5)) + ".RESOLVED";
        setProgress(Feed.stem(Feed.at(8)) + "-4f1c2a9b8e7d6c5b-1-7-00000005-a-1.ndjson.gz", res5);
        try (Replicator r = start(false)) {
            // The rows at 7 and 8 are staged again and the resolved file at 8 sent again: harmless.
            String res8 = Feed.stem(Feed.at(8)) + ".RESOLVED";
            await("resolved file at 8 processed again", () -> lastFile().equals(Optional.of(res8)));
            assertThat(target()).isEqualTo(expectedJson(Feed.at(8)));
            feed.rows("a", "a", Feed.at(9), false, "[6]", Feed.a(6, "a6@9"));
            feed.resolved(Feed.at(9));
            awaitTarget(Feed.at(9));
            assertThat(target().get("a").get(JSON.readTree("[1]")).get("v").asText())
                    .as("a row staged again does not undo a newer one").isEqualTo("a1@8");
            healthy(r);
        }
    }

    void runImmediateScenario() throws Exception {
        createTables();
        feed.rows("a", "a", Feed.at(1), false, "[1]", Feed.a(1, "a1@1"), "[2]", Feed.a(2, "a2@1"));
        String last = feed.rows("a", "a", Feed.at(2), true, "[2]", null, "[3]", Feed.a(3, "a3@2"));
        try (Replicator r = start(true)) {
            // No resolved file: immediate mode applies rows as it reads them.
            awaitTarget(Feed.at(2));
            await("progress recorded", () -> lastFile().equals(Optional.of(last)));
            feed.resolved(Feed.at(2));
            feed.rows("a", "a", Feed.at(3), false, "[1]", Feed.a(1, "a1@3"));
            awaitTarget(Feed.at(3));
            healthy(r);
        }
    }

    void awaitTarget(Hlc t) throws Exception {
        Map<String, Map<JsonNode, JsonNode>> want = expectedJson(t);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!target().equals(want) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(target()).as("the target as of %s", t).isEqualTo(want);
    }

    Map<String, Map<JsonNode, JsonNode>> expectedJson(Hlc t) throws Exception {
        Map<String, Map<JsonNode, JsonNode>> out = new TreeMap<>();
        for (var table : feed.expected(t).entrySet()) {
            Map<JsonNode, JsonNode> rows = new HashMap<>();
            for (var row : table.getValue().entrySet()) {
                rows.put(JSON.readTree(row.getKey()), JSON.readTree(row.getValue()));
            }
            out.put(table.getKey(), rows);
        }
        return out;
    }

    /** Table → key → row, as JSON, for the tables that have rows. */
    Map<String, Map<JsonNode, JsonNode>> target() throws Exception {
        Map<String, Map<JsonNode, JsonNode>> out = new TreeMap<>();
        read(out, "a", "SELECT jsonb_build_array(id)::text, to_jsonb(t)::text FROM a t");
        read(out, "b", "SELECT jsonb_build_array(k1, k2)::text, to_jsonb(t)::text FROM b t");
        return out;
    }

    private void read(Map<String, Map<JsonNode, JsonNode>> out, String table, String sql) throws Exception {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.computeIfAbsent(table, k -> new HashMap<>()).put(JSON.readTree(rs.getString(1)),
                        JSON.readTree(rs.getString(2)));
            }
        }
    }

    Optional<String> lastFile() {
        try (Connection c = pg.dataSource(db).getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT last_file FROM _cdc_sink.objstore_progress WHERE source_url = ?")) {
            s.setString(1, sourceOptions().get("source"));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    void setProgress(String lastFile, String resolvedFile) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE _cdc_sink.objstore_progress SET last_file = ?, resolved_file = ? WHERE source_url = ?")) {
            s.setString(1, lastFile);
            s.setString(2, resolvedFile);
            s.setString(3, sourceOptions().get("source"));
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    /** The source reports no problem (its reads and the pipeline's writes succeed). */
    static void healthy(Replicator r) {
        assertThat(r.source(ObjstoreSource.class).problem()).isEmpty();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }
}
