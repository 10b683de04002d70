package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.it.JarCommand.Run;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc-sink pglogical --snapshot initial} as users run it (issue #28, part 1): the real jar between two embedded
 * PostgreSQL servers, the source populated with about 200,000 rows of mixed types and written to the whole time.
 * The load is killed with SIGKILL half way, continues from its copied chunks on the next start without copying them
 * again, and ends with the target equal to the source cell by cell and {@code cdc-sink verify} exiting 0.
 * {@code cdc-sink verify --live} started while a load copies (and the writes go on) waits for it and ends EQUAL;
 * without {@code --live} the tables of a load that was stopped are reported as still being copied. A slot that
 * exists already is refused with one line.
 */
class PgSnapshotEndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String[] DDL = {
        "CREATE TABLE parent (id BIGINT PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(20,6), at TIMESTAMPTZ,"
                + " doc JSONB, raw BYTEA, tags TEXT[])",
        "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent (id), note TEXT)",
        "CREATE TABLE pairs (region TEXT, seq INT, v NUMERIC, PRIMARY KEY (region, seq))",
        "CREATE TABLE marker (id INT PRIMARY KEY, note TEXT)",
    };
    private static final Map<String, List<String>> KEYS = new LinkedHashMap<>();
    private static final Map<String, List<String>> COLUMNS = new LinkedHashMap<>();

    static {
        KEYS.put("parent", List.of("id"));
        COLUMNS.put("parent", List.of("name", "amount", "at", "doc", "raw", "tags"));
        KEYS.put("child", List.of("id"));
        COLUMNS.put("child", List.of("parent_id", "note"));
        KEYS.put("pairs", List.of("region", "seq"));
        COLUMNS.put("pairs", List.of("v"));
        KEYS.put("marker", List.of("id"));
        COLUMNS.put("marker", List.of("note"));
    }

    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();
    private String sourceDb;
    private String targetDb;

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @BeforeEach
    void databases() throws SQLException {
        sourceDb = source.freshDatabase("snsrc");
        targetDb = target.freshDatabase("sndst");
        source.exec(sourceDb, DDL);
        target.exec(targetDb, DDL);
        source.exec(sourceDb, "CREATE PUBLICATION sn_pub FOR ALL TABLES");
    }

    private List<String> flags(String... extra) {
        List<String> flags = new ArrayList<>(List.of(
                "--sourceConn", sourceConn(), "--targetConn", targetConn(), "--targetDB", targetDb,
                "--publicationName", "sn_pub", "--slotName", "sn_" + sourceDb,
                "--standbyTimeout", "500ms", "--retryDelay", "500ms", "--targetDBConns", "20"));
        flags.addAll(List.of(extra));
        return flags;
    }

    private String sourceConn() {
        return "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb + "?sslmode=disable";
    }

    private String targetConn() {
        return "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable";
    }

    /** About 200,000 rows: 80,000 parents, 80,000 children, 40,000 pairs. */
    private void fill() throws SQLException {
        source.exec(sourceDb,
                "INSERT INTO parent SELECT g, 'name ' || g || ' é', g * 1.000001,"
                        + " '2024-01-01 00:00:00+00'::timestamptz + g * interval '17 minutes 3.25 seconds',"
                        + " jsonb_build_object('g', g, 'nested', jsonb_build_array(g, 'x', NULL)),"
                        + " decode(md5(g::text), 'hex'), ARRAY['a' || g, NULL, 'tab\there']"
                        + " FROM generate_series(1, 80000) g",
                "INSERT INTO child SELECT g, 1 + (g * 7919) % 80000, 'note ' || g FROM generate_series(1, 80000) g",
                "INSERT INTO pairs SELECT (ARRAY['Éte', 'ete', 'Zürich', 'a b', 'a\\b'])[1 + g % 5], g, g / 3.0"
                        + " FROM generate_series(1, 40000) g",
                "ANALYZE");
    }

    @Test
    void aLoadKilledHalfWayContinuesFromItsCopiedChunksAndConvergesUnderWrites() throws Exception {
        fill();
        String[] load = {"--snapshot", "initial", "--snapshotChunkRows", "2000", "--snapshotWorkers", "2"};
        List<List<String>> copiedBeforeKill;
        long chunks;
        try (Writer writer = new Writer(42)) {
            CdcSinkProcess first = CdcSinkProcess.logicalStarting("pglogical", "snapshot-killed", flags(load));
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                // Killed once chunks of a table nothing references are copied too (the parents go first).
                while (copiedChunks() < 4 || rows("SELECT count(*) FROM _cdc_sink.load_chunks WHERE copied_at IS NOT"
                        + " NULL AND table_name <> 'parent'").get(0).get(0).equals("0")) {
                    assertThat(first.isAlive()).as("cdc-sink runs: %s", first.logText()).isTrue();
                    assertThat(System.nanoTime()).as("chunks copied in time").isLessThan(deadline);
                    Thread.sleep(10);
                }
            } finally {
                first.kill();
            }
            assertThat(first.isAlive()).isFalse();
            // The referenced table's copied chunks are copied again (as upserts) from the new snapshot when tables
            // that reference it have chunks left; the others keep their copied_at.
            copiedBeforeKill = rows("SELECT chunk::text, copied_at::text FROM _cdc_sink.load_chunks"
                    + " WHERE copied_at IS NOT NULL AND table_name <> 'parent' ORDER BY chunk");
            chunks = Long.parseLong(rows("SELECT count(*) FROM _cdc_sink.load_chunks").get(0).get(0));
            assertThat(copiedBeforeKill).isNotEmpty();
            assertThat((long) copiedBeforeKill.size()).as("the kill came before the last chunk").isLessThan(chunks);
            // 40 parent + 40 child + 20 pairs chunks of 2,000 rows, and one for the empty marker table.
            assertThat(chunks).isBetween(95L, 110L);
            assertThat(rows("SELECT finished_at FROM _cdc_sink.loads")).containsExactly(singleNull());

            try (CdcSinkProcess second = CdcSinkProcess.logical("pglogical", "snapshot-resumed", flags(load))) {
                awaitValue("SELECT (finished_at IS NOT NULL)::text FROM _cdc_sink.loads", "true");
                assertThat(second.logText()).contains("continuing the initial load");
                source.exec(sourceDb, "INSERT INTO marker VALUES (1, 'after the load')");
                awaitValue("SELECT note FROM marker WHERE id = 1", "after the load");
                String status = get(second, "/_/status");
                assertThat(status).contains("\"state\" : \"finished\"").contains("\"chunks\" : " + chunks)
                        .contains("\"chunksCopied\" : " + chunks);
                writer.stopAndCheck();
                source.exec(sourceDb, "INSERT INTO marker VALUES (2, 'after the writer')");
                awaitValue("SELECT note FROM marker WHERE id = 2", "after the writer");
            }
        }
        List<List<String>> after = rows("SELECT chunk::text, copied_at::text FROM _cdc_sink.load_chunks"
                + " WHERE copied_at IS NOT NULL ORDER BY chunk");
        assertThat(after).as("every chunk copied").hasSize((int) chunks);
        assertThat(after).as("the chunks copied before the kill kept their copied_at").containsAll(copiedBeforeKill);
        assertEqual();
        Run verify = JarCommand.run("verify", "--sourceConn", sourceConn(), "--targetConn", targetConn(),
                "--targetDB", targetDb);
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("4 tables: 4 equal, 0 different");
    }

    @Test
    void verifyLiveDuringALoadWaitsForItAndEndsEqual() throws Exception {
        fill();
        try (Writer writer = new Writer(7);
             CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "snapshot-verified", flags("--snapshot",
                     "initial", "--snapshotChunkRows", "1000", "--snapshotWorkers", "1"))) {
            // Once the plan is recorded: before it, the empty target tables are all verify could see.
            awaitValue("SELECT (count(*) > 0)::text FROM _cdc_sink.load_chunks", "true");
            Run live = JarCommand.run(Duration.ofMinutes(3), List.of("verify", "--sourceConn", sourceConn(),
                    "--targetConn", targetConn(), "--targetDB", targetDb, "--chunkRows", "20000", "--live", "2s"));
            assertThat(live.exit()).as(live.output()).isZero();
            // child is copied after parent, which it references: verify reaches it (the first table) while copying.
            assertThat(live.output()).contains("waiting for the copy of public.child: ")
                    .contains(" chunks left").contains("4 tables: 4 equal, 0 different").contains("EQUAL")
                    .doesNotContain("DIFFERENT");
            assertThat(rows("SELECT (finished_at IS NOT NULL)::text FROM _cdc_sink.loads"))
                    .containsExactly(List.of("true"));
            writer.stopAndCheck();
            source.exec(sourceDb, "INSERT INTO marker VALUES (1, 'after the writer')");
            awaitValue("SELECT note FROM marker WHERE id = 1", "after the writer");
        }
        assertEqual();
    }

    @Test
    void verifyWithoutLiveReportsTheTablesOfAStoppedLoadAsStillBeingCopied() throws Exception {
        fill();
        String[] load = {"--snapshot", "initial", "--snapshotChunkRows", "1000", "--snapshotWorkers", "1"};
        CdcSinkProcess p = CdcSinkProcess.logicalStarting("pglogical", "snapshot-stopped", flags(load));
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (copiedChunks() < 2) {
                assertThat(p.isAlive()).as("cdc-sink runs: %s", p.logText()).isTrue();
                assertThat(System.nanoTime()).as("chunks copied in time").isLessThan(deadline);
                Thread.sleep(10);
            }
        } finally {
            p.kill();
        }
        Run once = JarCommand.run("verify", "--sourceConn", sourceConn(), "--targetConn", targetConn(),
                "--targetDB", targetDb, "--tables", "child,parent");
        assertThat(once.exit()).as(once.output()).isEqualTo(1);
        assertThat(once.output()).containsPattern("public\\.child: still being copied by the initial load of loop"
                + " pglogical: \\d+ of \\d+ chunks left")
                .doesNotContain("more differing rows").doesNotContain("missing key");
    }

    @Test
    void anExistingSlotIsRefusedWithOneLine() throws Exception {
        source.exec(sourceDb, "SELECT pg_create_logical_replication_slot('sn_" + sourceDb + "', 'pgoutput')");
        List<String> args = new ArrayList<>(List.of("pglogical", "--metricsAddr", "127.0.0.1:"
                + CdcSinkProcess.freePort()));
        args.addAll(flags("--snapshot", "initial"));
        Run refused = JarCommand.run(Duration.ofMinutes(1), args);
        assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("replication slot sn_" + sourceDb + " (--slotName) already exists,"
                + " so the snapshot it was created at is gone; drop it with SELECT pg_drop_replication_slot('sn_"
                + sourceDb + "');").doesNotContain("\tat ");
        assertThat(refused.output().lines().filter(l -> l.contains("already exists, so the snapshot")).count())
                .as("said once: %s", refused.output()).isBetween(1L, 2L);
    }

    private static List<String> singleNull() {
        List<String> row = new ArrayList<>();
        row.add(null);
        return row;
    }

    private long copiedChunks() {
        try {
            return Long.parseLong(rows("SELECT count(*) FROM _cdc_sink.load_chunks WHERE copied_at IS NOT NULL")
                    .get(0).get(0));
        } catch (SQLException notYet) {
            return 0; // the schema or the table does not exist yet
        }
    }

    private List<List<String>> rows(String sql) throws SQLException {
        try (Connection c = target.dataSource(targetDb).getConnection()) {
            return TableDiff.rows(c, sql);
        }
    }

    private void awaitValue(String sql, String want) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String got = null;
            try {
                List<List<String>> r = rows(sql);
                got = r.isEmpty() ? null : r.get(0).get(0);
            } catch (SQLException notYet) {
                // The table does not exist yet.
            }
            if (want.equals(got)) {
                return;
            }
            assertThat(System.nanoTime()).as(sql + " = " + want + ", last " + got).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private void assertEqual() throws SQLException {
        List<String> differences = new ArrayList<>();
        for (String table : KEYS.keySet()) {
            differences.addAll(TableDiff.differences(source.jdbcUrl(sourceDb), target.jdbcUrl(targetDb), table,
                    KEYS.get(table), COLUMNS.get(table)));
        }
        assertThat(differences).isEmpty();
        assertThat(rows("SELECT count(*) FROM parent")).as("parents").isNotEqualTo(List.of(List.of("0")));
    }

    private static String get(CdcSinkProcess p, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Inserts, updates and deletes on every table, one source transaction at a time, until stopped. */
    private final class Writer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicLong transactions = new AtomicLong();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Writer(long seed) {
            Random random = new Random(seed);
            Thread thread = new Thread(() -> {
                try (Connection c = source.dataSource(sourceDb).getConnection(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    long next = 10_000_000;
                    while (!stop.get()) {
                        long id = 1 + random.nextInt(80_000);
                        switch (random.nextInt(8)) {
                            case 0 -> s.execute("INSERT INTO parent VALUES (" + next++ + ", 'new', 2.5, now(),"
                                    + " '{\"new\": true}', '\\x00ff', '{x,NULL}')");
                            case 1 -> s.execute("UPDATE parent SET name = name || 'u', amount = amount + 1,"
                                    + " doc = doc || '{\"u\": 1}', at = now() WHERE id = " + id);
                            case 2 -> s.execute("DELETE FROM child WHERE id = " + id);
                            case 3 -> s.execute("INSERT INTO child VALUES (" + next++ + ", " + id + ", 'new')");
                            case 4 -> s.execute("UPDATE pairs SET v = v + 1 WHERE seq = " + (id % 40_000));
                            case 5 -> s.execute("UPDATE child SET note = note || '.' WHERE id = " + id);
                            case 6 -> s.execute("DELETE FROM pairs WHERE seq = " + (id % 40_000));
                            default -> {
                                // A parent without children: inserted and deleted again.
                                s.execute("INSERT INTO parent (id, name) VALUES (" + next + ", 'short-lived')");
                                s.execute("UPDATE child SET parent_id = " + next + " WHERE id = " + id);
                                s.execute("UPDATE child SET parent_id = 1 WHERE id = " + id);
                                s.execute("DELETE FROM parent WHERE id = " + next++);
                            }
                        }
                        c.commit();
                        transactions.incrementAndGet();
                        Thread.sleep(3);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.complete(null);
                }
            }, "source-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void stopAndCheck() throws Exception {
            stop.set(true);
            done.get(30, TimeUnit.SECONDS);
            assertThat(failure.get()).isNull();
            assertThat(transactions.get()).as("source transactions during the test").isGreaterThan(50);
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            done.get(30, TimeUnit.SECONDS);
        }
    }
}
