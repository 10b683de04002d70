package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.core.logical.SnapshotConfig;
import io.cdcsink.core.status.StatusSnapshot.LoadView;
import io.cdcsink.core.status.StatusSnapshot.LoopView;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code pglogical --snapshot initial} and {@code --snapshotTables} against real databases: a populated source under
 * concurrent writes copied in chunks by two workers and then followed by the stream, a load stopped half way and
 * continued from its copied chunks, tables copied again while the rest streams, and the settings that are refused.
 * Every run ends with the target compared to the source cell by cell ({@link TableDiff}).
 */
class PgSnapshotLoadIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String[] DDL = {
        "CREATE TABLE parent (id bigint PRIMARY KEY, name text NOT NULL, at timestamptz, amount numeric(20,6),"
                + " tags text[], doc jsonb, raw bytea, f float8)",
        "CREATE TABLE child (id bigint PRIMARY KEY, parent bigint NOT NULL REFERENCES parent (id), note varchar(40))",
        // A composite key with text: chunks are cut in the source's collation order.
        "CREATE TABLE pairs (region text, seq int, v int, PRIMARY KEY (region, seq))",
        "CREATE TABLE tree (id int PRIMARY KEY, up int REFERENCES tree (id), label text)",
    };
    private static final Map<String, List<String>> TABLES = Map.of(
            "parent", List.of("id", "name", "at", "amount", "tags", "doc", "raw", "f"),
            "child", List.of("id", "parent", "note"),
            "pairs", List.of("region", "seq", "v"),
            "tree", List.of("id", "up", "label"));

    @Test
    void anInitialLoadUnderConcurrentWritesConvergesOnTheSource() throws Exception {
        long seed = System.nanoTime();
        System.out.println("PgSnapshotLoadIT seed " + seed);
        try (PgReplication r = new PgReplication(PG, PgReplication.Mode.CONSISTENT, DDL)) {
            fill(r, 30_000);
            r.snapshotting(SnapshotConfig.of("initial", "", 2, 500, ""));
            try (Writer writer = new Writer(r, seed)) {
                r.start();
                awaitLoad(r, l -> l.finished());
                writer.stopAndCheck();
            }
            r.awaitApplied();
            assertEqual(r);
            LoadView load = r.replicator().status().snapshot().loops().get(0).load().orElseThrow();
            assertThat(load.tables()).isEqualTo(5);
            assertThat(load.chunks()).isGreaterThan(100);
            assertThat(load.chunksCopied()).isEqualTo(load.chunks());
            assertThat(query(r.target, "SELECT count(*) FROM _cdc_sink.load_chunks WHERE copied_at IS NULL"))
                    .containsExactly(List.of("0"));
            // The tree references itself: one chunk, since a row may reference one of a later chunk.
            assertThat(query(r.target, "SELECT count(*) FROM _cdc_sink.load_chunks WHERE table_name = 'tree'"))
                    .containsExactly(List.of("1"));
        }
    }

    @Test
    void aStoppedLoadContinuesFromItsCopiedChunks() throws Exception {
        try (PgReplication r = new PgReplication(PG, PgReplication.Mode.CONSISTENT, DDL)) {
            fill(r, 20_000);
            r.snapshotting(SnapshotConfig.of("initial", "", 1, 100, ""));
            r.start();
            // Stopped once the parents are copied and the children are not: the rest comes from a new snapshot.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (copied(r, "parent") < 200 || copied(r, "child") == 0) {
                assertThat(System.nanoTime()).as("chunks copied in time").isLessThan(deadline);
                Thread.sleep(2);
            }
            r.stop();
            List<List<String>> before = query(r.target, "SELECT chunk, copied_at::text FROM _cdc_sink.load_chunks"
                    + " WHERE copied_at IS NOT NULL AND table_name <> 'parent' ORDER BY chunk");
            long total = Long.parseLong(query(r.target, "SELECT count(*) FROM _cdc_sink.load_chunks").get(0).get(0));
            assertThat(copied(r, "child")).isLessThan(200);
            // Changes while stopped, also in rows already copied: the stream brings them. A child not yet copied
            // references a parent row newer than the first snapshot, in a parent chunk already copied: the parents'
            // copied chunks are copied again from the new snapshot before the children.
            r.inSource("UPDATE parent SET name = name || '+' WHERE id % 97 = 0", "DELETE FROM child WHERE id % 89 = 0",
                    "INSERT INTO parent (id, name) VALUES (0, 'newer than the first snapshot')",
                    "INSERT INTO child VALUES (950000, 0, 'references it')");

            r.start();
            awaitLoad(r, LoadView::finished);
            r.awaitApplied();
            assertEqual(r);
            // What was copied before the stop (the referenced parents aside) was not copied again.
            List<List<String>> after = query(r.target, "SELECT chunk, copied_at::text FROM _cdc_sink.load_chunks"
                    + " WHERE copied_at IS NOT NULL AND table_name <> 'parent' ORDER BY chunk");
            assertThat(after).containsAll(before).hasSizeGreaterThan(before.size());
            assertThat(Long.parseLong(query(r.target, "SELECT count(*) FROM _cdc_sink.load_chunks WHERE copied_at"
                    + " IS NOT NULL").get(0).get(0))).isEqualTo(total);
        }
    }

    @Test
    void tablesCopiedAgainWhileTheRestStreams() throws Exception {
        try (PgReplication r = new PgReplication(PG, PgReplication.Mode.CONSISTENT, DDL)) {
            r.start();
            fill(r, 3000);
            r.awaitApplied();
            assertEqual(r);
            r.stop();
            // The target's copy of pairs goes wrong behind cdc-sink's back; a table is added to the publication.
            PG.exec(r.target, "DELETE FROM pairs WHERE seq % 3 = 0", "UPDATE pairs SET v = -1 WHERE seq % 5 = 0",
                    "INSERT INTO pairs VALUES ('zz-extra', 1, 1)");
            PG.exec(r.source, "CREATE TABLE added (id int PRIMARY KEY, v text)",
                    "INSERT INTO added SELECT g, 'v' || g FROM generate_series(1, 2500) g");
            PG.exec(r.target, "CREATE TABLE added (id int PRIMARY KEY, v text)");

            r.snapshotting(SnapshotConfig.of("none", "pairs, public.added", 2, 400, ""));
            try (Writer writer = new Writer(r, 7)) {
                r.start();
                awaitLoad(r, LoadView::finished);
                writer.stopAndCheck();
            }
            r.inSource("INSERT INTO added VALUES (9999, 'after')");
            r.awaitApplied();
            assertEqual(r);
            assertThat(TableDiff.differences(PG.jdbcUrl(r.source), PG.jdbcUrl(r.target), "added", List.of("id"),
                    List.of("v"))).isEmpty();
            assertThat(query(r.target, "SELECT tables FROM _cdc_sink.loads")).containsExactly(
                    List.of("pairs,public.added"));
        }
    }

    @Test
    void anExistingSlotANonEmptyTargetAndAKeylessTableAreRefused() throws Exception {
        try (PgReplication r = new PgReplication(PG, PgReplication.Mode.CONSISTENT, DDL)) {
            fill(r, 10);
            // The slot PgReplication made exists: its snapshot is gone.
            assertThatThrownBy(() -> startInitial(r)).hasMessageContaining("replication slot " + r.source
                    + " (--slotName) already exists, so the snapshot it was created at is gone; drop it with SELECT"
                    + " pg_drop_replication_slot('" + r.source + "');");

            r.snapshotting(SnapshotConfig.of("initial", "", 2, 100, ""));
            PG.exec(r.target, "INSERT INTO pairs VALUES ('x', 1, 1)");
            assertThatThrownBy(r::start).hasMessageContaining("--snapshot initial fills empty tables, but target"
                    + " database " + r.target + " has rows in public.pairs; empty them (TRUNCATE)");
            // The slot the refused load created is gone again: the next start can take a new snapshot.
            assertThat(query(r.source, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + r.source
                    + "'")).containsExactly(List.of("0"));
            PG.exec(r.target, "TRUNCATE pairs");

            PG.exec(r.source, "CREATE TABLE bag (a int NOT NULL, b text)", "INSERT INTO bag VALUES (1, 'x')");
            PG.exec(r.target, "CREATE TABLE bag (a int NOT NULL, b text)");
            assertThatThrownBy(r::start).hasMessageContaining("cannot copy public.bag: no primary key; add one, or"
                    + " name a unique key with --snapshotKey public.bag=column[,column...]");
            PG.exec(r.source, "CREATE UNIQUE INDEX ON bag (a)");
            r.snapshotting(SnapshotConfig.of("initial", "", 2, 100, "bag=a"));
            r.start();
            awaitLoad(r, LoadView::finished);
            r.awaitApplied();
            assertEqual(r);
            assertThat(TableDiff.differences(PG.jdbcUrl(r.source), PG.jdbcUrl(r.target), "bag", List.of("a"),
                    List.of("b"))).isEmpty();
        }
    }

    /** Starts with --snapshot initial while the slot exists (snapshotting(initial) would drop it). */
    private static void startInitial(PgReplication r) throws Exception {
        r.snapshottingKeepingSlot(SnapshotConfig.of("initial", "", 2, 100, ""));
        r.start();
    }

    private static void fill(PgReplication r, int rows) throws SQLException {
        r.inSource("INSERT INTO parent SELECT g, 'name ' || g, '2024-01-01 00:00:00+00'::timestamptz + g * interval"
                        + " '17 minutes 3.25 seconds', g * 1.000001, ARRAY['a' || g, NULL, 'tab\there'],"
                        + " jsonb_build_object('g', g, 'nested', jsonb_build_array(g, 'x')),"
                        + " decode(md5(g::text), 'hex'), g / 7.0 FROM generate_series(1, " + rows + ") g",
                "INSERT INTO child SELECT g, 1 + (g * 7919) % " + rows + ", 'note ' || g FROM generate_series(1, "
                        + rows + ") g",
                "INSERT INTO pairs SELECT r, s, r2 FROM (SELECT (ARRAY['Éte', 'ete', 'Zürich', 'a b', 'a\\b'])[1 + g % 5]"
                        + " AS r, g AS s, g * 3 AS r2 FROM generate_series(1, " + rows + ") g) x",
                "INSERT INTO tree SELECT g, NULL, 'root' FROM generate_series(1, 10) g",
                "INSERT INTO tree SELECT g, 1 + g % 10, 'leaf ' || g FROM generate_series(11, " + Math.max(11, rows / 10)
                        + ") g");
    }

    private static void assertEqual(PgReplication r) throws SQLException {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, List<String>> t : TABLES.entrySet()) {
            List<String> key = t.getKey().equals("pairs") ? List.of("region", "seq") : List.of("id");
            differences.addAll(TableDiff.differences(PG.jdbcUrl(r.source), PG.jdbcUrl(r.target), t.getKey(), key,
                    t.getValue()));
        }
        assertThat(differences).isEmpty();
    }

    private static long copied(PgReplication r, String table) throws SQLException {
        try {
            return Long.parseLong(query(r.target, "SELECT count(*) FROM _cdc_sink.load_chunks WHERE copied_at IS NOT"
                    + " NULL AND table_name = '" + table + "'").get(0).get(0));
        } catch (SQLException e) {
            return 0;
        }
    }

    private static void awaitLoad(PgReplication r, java.util.function.Predicate<LoadView> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<LoopView> loops = r.replicator().status().snapshot().loops();
            if (!loops.isEmpty() && loops.get(0).load().filter(done).isPresent()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the load did not finish within " + WAIT + ": " + loops + "; problem: "
                        + r.replicator().source(LogicalLoop.class).problem().orElse("none"));
            }
            Thread.sleep(20);
        }
    }

    private static List<List<String>> query(String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(database))) {
            return TableDiff.rows(c, sql);
        }
    }

    /** Random inserts, updates and deletes on every table, one source transaction at a time, until stopped. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicLong transactions = new AtomicLong();
        private final Thread thread;

        Writer(PgReplication r, long seed) {
            Random random = new Random(seed);
            thread = new Thread(() -> {
                try (Connection c = r.source(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    long next = 1_000_000;
                    while (!stop.get()) {
                        int id = 1 + random.nextInt(3000);
                        switch (random.nextInt(6)) {
                            case 0 -> s.execute("INSERT INTO parent (id, name, amount) VALUES (" + next++
                                    + ", 'new', 1.5)");
                            case 1 -> s.execute("UPDATE parent SET name = name || 'u', f = random() WHERE id = " + id);
                            case 2 -> s.execute("DELETE FROM child WHERE id = " + id);
                            case 3 -> s.execute("INSERT INTO child VALUES (" + next++ + ", " + id
                                    + ", 'new') ON CONFLICT DO NOTHING");
                            case 4 -> s.execute("UPDATE pairs SET v = v + 1 WHERE seq = " + id);
                            default -> s.execute("UPDATE tree SET label = label || '.' WHERE id = " + (1 + id % 50));
                        }
                        try {
                            c.commit();
                            transactions.incrementAndGet();
                        } catch (SQLException e) {
                            c.rollback();
                        }
                        Thread.sleep(2);
                    }
                } catch (SQLException e) {
                    // A parent id that did not exist makes the child insert fail: that transaction is rolled back.
                    failure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "source-writer");
            thread.start();
        }

        void stopAndCheck() throws InterruptedException {
            stop.set(true);
            thread.join();
            assertThat(failure.get()).isNull();
            assertThat(transactions.get()).as("source transactions during the load").isGreaterThan(10);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }
}
