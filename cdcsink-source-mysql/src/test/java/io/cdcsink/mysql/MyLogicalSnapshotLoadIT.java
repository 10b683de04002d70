package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.core.logical.SnapshotConfig;
import io.cdcsink.core.status.StatusSnapshot.LoadView;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mylogical --snapshot initial} through the whole loop: a populated MariaDB source under concurrent writes is
 * copied in chunks into PostgreSQL and then followed from the snapshot's GTID position; a load stopped half way
 * continues from its copied chunks. Each run ends with the target compared to the source row by row, both read as
 * text (the source is the oracle).
 */
class MyLogicalSnapshotLoadIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(700);
    /** Queries whose text is the same on both sides when the rows are. */
    private static final List<String> COMPARED = List.of(
            "SELECT id, name, amount, at, flag FROM parent",
            "SELECT id, parent, note FROM child",
            "SELECT region, seq, v FROM pairs");

    private final EmbeddedMariaDb source = EmbeddedMariaDb.shared();
    private final EmbeddedPg target = EmbeddedPg.shared();
    private String sourceDb;
    private String targetDb;
    private Replicator replicator;

    @BeforeEach
    void databases() throws SQLException {
        sourceDb = source.newDatabase("snapload");
        targetDb = target.freshDatabase("snapload");
        source.execute(sourceDb,
                "CREATE TABLE parent (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(14,3),"
                        + " at DATETIME(6), flag BIT(3))",
                "CREATE TABLE child (id BIGINT PRIMARY KEY, parent BIGINT NOT NULL, note TEXT)",
                "CREATE TABLE pairs (region VARCHAR(20) COLLATE utf8mb4_unicode_ci, seq INT, v INT,"
                        + " PRIMARY KEY (region, seq))");
        target.exec(targetDb,
                "CREATE TABLE parent (id bigint PRIMARY KEY, name varchar(40) NOT NULL, amount numeric(14,3),"
                        + " at timestamp(6), flag bit(3))",
                "CREATE TABLE child (id bigint PRIMARY KEY, parent bigint NOT NULL REFERENCES parent (id), note text)",
                "CREATE TABLE pairs (region varchar(20), seq integer, v integer, PRIMARY KEY (region, seq))");
    }

    @AfterEach
    void stop() {
        if (replicator != null) {
            replicator.close();
        }
    }

    @Test
    void anInitialLoadUnderConcurrentWritesConvergesOnTheSource() throws Exception {
        fill(8000);
        long seed = System.nanoTime();
        System.out.println("MyLogicalSnapshotLoadIT seed " + seed);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transactions = new AtomicLong();
        Thread writer = new Thread(() -> write(new Random(seed), stop, transactions), "source-writer");
        writer.start();
        try {
            start(SnapshotConfig.of("initial", "", 2, 300, ""));
            awaitLoad(LoadView::finished);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(transactions.get()).as("source transactions during the load").isGreaterThan(10);
        awaitApplied();
        assertSame();
        LoadView load = replicator.status().snapshot().loops().get(0).load().orElseThrow();
        assertThat(load.tables()).isEqualTo(3);
        assertThat(load.chunks()).isGreaterThan(60);
    }

    @Test
    void aStoppedLoadContinuesFromItsCopiedChunks() throws Exception {
        fill(20_000);
        start(SnapshotConfig.of("initial", "", 1, 100, ""));
        TestDatabase.await(WAIT, () -> copied("parent") == 200 && copied("child") > 0);
        replicator.close();
        replicator = null;
        List<List<String>> before = targetRows("SELECT chunk, copied_at::text FROM _cdc_sink.load_chunks"
                + " WHERE copied_at IS NOT NULL AND table_name <> 'parent' ORDER BY chunk");
        assertThat(copied("child")).isLessThan(200);
        tx("UPDATE parent SET name = CONCAT(name, '+') WHERE id % 97 = 0", "DELETE FROM child WHERE id % 89 = 0",
                "INSERT INTO parent (id, name) VALUES (0, 'newer than the first snapshot')",
                "INSERT INTO child VALUES (950000, 0, 'references it')");

        start(SnapshotConfig.of("initial", "", 1, 100, ""));
        awaitLoad(LoadView::finished);
        awaitApplied();
        assertSame();
        List<List<String>> after = targetRows("SELECT chunk, copied_at::text FROM _cdc_sink.load_chunks"
                + " WHERE copied_at IS NOT NULL AND table_name <> 'parent' ORDER BY chunk");
        assertThat(after).containsAll(before).hasSizeGreaterThan(before.size());
    }

    private void fill(int rows) throws SQLException {
        tx("INSERT INTO parent SELECT seq, CONCAT('name ', seq), seq * 1.125, TIMESTAMP('2024-01-01 00:00:00')"
                        + " + INTERVAL seq * 17 SECOND + INTERVAL seq MICROSECOND, seq % 8 FROM seq_1_to_" + rows,
                "INSERT INTO child SELECT seq, 1 + (seq * 7919) % " + rows + ", CONCAT('note\\t', seq)"
                        + " FROM seq_1_to_" + rows,
                "INSERT INTO pairs SELECT ELT(1 + seq % 5, 'Éte', 'ete2', 'Zürich', 'a b', 'a\\\\b'), seq, seq * 3"
                        + " FROM seq_1_to_" + rows);
    }

    private void write(Random random, AtomicBoolean stop, AtomicLong transactions) {
        try (Connection c = source.connect(sourceDb); Statement s = c.createStatement()) {
            long next = 1_000_000;
            while (!stop.get()) {
                int id = 1 + random.nextInt(5000);
                switch (random.nextInt(5)) {
                    case 0 -> s.execute("INSERT INTO parent (id, name, amount) VALUES (" + next++ + ", 'new', 1.5)");
                    case 1 -> s.execute("UPDATE parent SET name = CONCAT(name, 'u'), flag = b'101' WHERE id = " + id);
                    case 2 -> s.execute("DELETE FROM child WHERE id = " + id);
                    case 3 -> s.execute("INSERT IGNORE INTO child VALUES (" + next++ + ", " + id + ", 'new')");
                    default -> s.execute("UPDATE pairs SET v = v + 1 WHERE seq = " + id);
                }
                transactions.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(SnapshotConfig snapshot) throws Exception {
        MyLogicalConfig config = new MyLogicalConfig(MySqlConn.parse(source.sourceConn()), Optional.empty(), targetDb,
                "public", Set.of(sourceDb), SERVER_IDS.incrementAndGet());
        LogicalConfig loop = LogicalConfig.defaults("snap", targetDb).withRetryDelay(Duration.ofMillis(200))
                .withStandbyTimeout(Duration.ofMillis(200)).withSnapshot(snapshot);
        Map<String, String> options = new HashMap<>(config.toOptions());
        options.putAll(loop.toOptions());
        replicator = Replicator.builder().target(TargetConfig.of(target.connectionString()).withMaxPoolSize(6))
                .registry(new PrometheusRegistry()).disableAuthentication().withoutStaging()
                .source(MyLogicalSourceProvider.NAME, options).start();
    }

    private void awaitLoad(java.util.function.Predicate<LoadView> done) throws InterruptedException {
        TestDatabase.await(WAIT, () -> {
            var loops = replicator.status().snapshot().loops();
            return !loops.isEmpty() && loops.get(0).load().filter(done).isPresent();
        });
    }

    private void awaitApplied() throws Exception {
        LoopWaits.awaitApplied(replicator.source(LogicalLoop.class), source, WAIT);
    }

    private long copied(String table) {
        try {
            return Long.parseLong(targetRows("SELECT count(*) FROM _cdc_sink.load_chunks WHERE copied_at IS NOT NULL"
                    + " AND table_name = '" + table + "'").get(0).get(0));
        } catch (SQLException e) {
            return 0;
        }
    }

    private void tx(String... statements) throws SQLException {
        try (Connection c = source.connect(sourceDb); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    /** Each query's rows, sorted, are the same on both sides (the two collations order text differently). */
    private void assertSame() throws SQLException {
        for (String sql : COMPARED) {
            List<List<String>> expected;
            try (Connection c = source.connect(sourceDb)) {
                expected = sorted(TableDiff.rows(c, sql.replace("flag FROM", "LPAD(BIN(flag), 3, '0') FROM")));
            }
            // PostgreSQL leaves trailing zeros of the fraction out, MariaDB prints all six digits.
            assertThat(sorted(targetRows(sql.replace("at, flag", "to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), flag"))))
                    .as(sql).isEqualTo(expected);
        }
    }

    private static List<List<String>> sorted(List<List<String>> rows) {
        List<List<String>> out = new ArrayList<>(rows);
        out.sort(Comparator.comparing(Object::toString));
        return out;
    }

    private List<List<String>> targetRows(String sql) throws SQLException {
        try (Connection c = target.dataSource(targetDb).getConnection()) {
            return TableDiff.rows(c, sql);
        }
    }
}
