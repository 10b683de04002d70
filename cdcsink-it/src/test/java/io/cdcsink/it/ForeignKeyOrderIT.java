package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Foreign keys checked per statement ({@code NOT DEFERRABLE}) on the target, three levels and a table referencing
 * itself ({@link ForeignKeyWorkload}), in every source and mode: a large first transaction (thousands of rows, a
 * chain of 1,500 nodes), then transactions that insert and delete across the levels while the real cdc-sink process
 * is killed with SIGKILL several times, then everything deleted. At each checkpoint the target must equal the source
 * value by value ({@link TableDiff}; row by row for a MariaDB source), and the constraints were never dropped or
 * deferred, so every write the target took kept them.
 */
class ForeignKeyOrderIT {
    private static final int KILLS = Integer.getInteger("fk.kills", 3);
    private static final Duration CONVERGE = Duration.ofSeconds(120);
    private static EmbeddedPg pgSource;
    private final EmbeddedPg target = EmbeddedPg.shared();

    @BeforeAll
    static void startSource() {
        pgSource = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        pgSource.close();
    }

    @Test
    void pglogicalConsistentModeKeepsNonDeferrableKeysThroughKills() throws Exception {
        pglogical(2701, List.of());
    }

    @Test
    void pglogicalImmediateModeKeepsNonDeferrableKeysThroughKills() throws Exception {
        pglogical(2702, List.of("--immediate", "--fanShards", "4"));
    }

    @Test
    void pglogicalBackfillModeKeepsNonDeferrableKeysThroughKills() throws Exception {
        // A window this short keeps the loop in backfill (fan) mode while it has anything to catch up.
        pglogical(2703, List.of("--backfillWindow", "1ms", "--fanShards", "4"));
    }

    @Test
    void mylogicalConsistentAndImmediateModesKeepNonDeferrableKeysThroughKills() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        for (List<String> mode : List.of(List.<String>of(), List.of("--immediate", "--fanShards", "4"))) {
            String sourceDb = maria.newDatabase("fksrc");
            String targetDb = target.freshDatabase("fkdst");
            try (Connection c = maria.connect(sourceDb)) {
                ForeignKeyWorkload.createTables(c);
            }
            try (Connection c = target.dataSource(targetDb).getConnection()) {
                ForeignKeyWorkload.createTables(c);
            }
            String gtid = maria.gtidBinlogPos();
            List<String> flags = new ArrayList<>(List.of("--sourceConn", maria.sourceConn(),
                    "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                    "--targetDB", targetDb, "--sourceDatabase", sourceDb, "--defaultGTIDSet", gtid,
                    "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8"));
            flags.addAll(mode);
            try (Connection writer = maria.connect(sourceDb)) {
                ForeignKeyWorkload workload = new ForeignKeyWorkload(2704, writer, tx -> { });
                run("mylogical " + mode, 2704, workload,
                        () -> CdcSinkProcess.logicalStarting("mylogical", "fk-mylogical", flags),
                        () -> sameRows(() -> maria.connect(sourceDb), target.dataSource(targetDb)::getConnection));
            }
        }
    }

    @Test
    void webhookConsistentModeKeepsNonDeferrableKeysThroughKills() throws Exception {
        // Three nodes, shuffled and duplicated batches: the order within a window is the changefeed's, not the source's.
        webhook(2705, List.of(), 3, 4);
    }

    @Test
    void webhookImmediateModeKeepsNonDeferrableKeysThroughKills() throws Exception {
        // One node and one sender deliver in source order; across requests a child may still wait for its parent.
        webhook(2706, List.of("--immediate"), 1, 1);
    }

    private void pglogical(long seed, List<String> mode) throws Exception {
        String sourceDb = pgSource.freshDatabase("fksrc");
        String targetDb = target.freshDatabase("fkdst");
        String slot = "fk_" + sourceDb;
        try (Connection c = pgSource.dataSource(sourceDb).getConnection(); Statement s = c.createStatement()) {
            ForeignKeyWorkload.createTables(c);
            s.execute("CREATE PUBLICATION fk_pub FOR TABLE " + String.join(", ", ForeignKeyWorkload.TABLES));
            s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        try (Connection c = target.dataSource(targetDb).getConnection()) {
            ForeignKeyWorkload.createTables(c);
        }
        List<String> flags = new ArrayList<>(List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + pgSource.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "fk_pub", "--slotName", slot,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8"));
        flags.addAll(mode);
        try (Connection writer = pgSource.dataSource(sourceDb).getConnection()) {
            ForeignKeyWorkload workload = new ForeignKeyWorkload(seed, writer, tx -> { });
            run("pglogical " + mode, seed, workload,
                    () -> CdcSinkProcess.logicalStarting("pglogical", "fk-pglogical", flags),
                    () -> differences(pgSource.jdbcUrl(sourceDb), target.jdbcUrl(targetDb)));
        }
    }

    private void webhook(long seed, List<String> mode, int nodes, int senders) throws Exception {
        String sourceDb = pgSource.freshDatabase("fksrc");
        String targetDb = target.freshDatabase("fkdst");
        try (Connection c = pgSource.dataSource(sourceDb).getConnection()) {
            ForeignKeyWorkload.createTables(c);
        }
        try (Connection c = target.dataSource(targetDb).getConnection()) {
            ForeignKeyWorkload.createTables(c);
        }
        int port = CdcSinkProcess.freePort();
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + targetDb + "?sslmode=disable";
        EmulatorConfig config = EmulatorConfig.to("/" + targetDb + "/public").withShuffle(nodes > 1)
                .withNodes(nodes).withSenders(senders).withBatchSize(200)
                .withDuplicateProbability(nodes > 1 ? 0.1 : 0).withResolvedInterval(Duration.ofMillis(200))
                .withSeed(seed).withRetryTimeout(Duration.ofMinutes(10));
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(URI.create("http://127.0.0.1:" + port), config);
             Connection writer = pgSource.dataSource(sourceDb).getConnection()) {
            ForeignKeyWorkload workload = new ForeignKeyWorkload(seed, writer, emulator::submit);
            run("webhook " + mode, seed, workload,
                    () -> CdcSinkProcess.startingOn(port, conn, "fk-webhook", mode.toArray(String[]::new)),
                    () -> differences(pgSource.jdbcUrl(sourceDb), target.jdbcUrl(targetDb)));
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
        }
    }

    /**
     * The large transaction, a kill storm over the mixed workload, then everything deleted; the target must equal
     * the source after each.
     */
    private void run(String name, long seed, ForeignKeyWorkload workload, Callable<CdcSinkProcess> starter,
                     Callable<List<String>> differences) throws Exception {
        workload.bulk(300, 1_500);
        KillStorm.Result result = new KillStorm(seed, KILLS, starter)
                .run(workload::step, workload::transactions);
        try (CdcSinkProcess last = result.process()) {
            awaitEqual(name + " after the kill storm", differences);
            long rows = workload.rows();
            workload.deleteEverything();
            awaitEqual(name + " after deleting everything", differences);
            System.out.printf("foreign keys %s: %d kills, %d source transactions, %d row changes, target equal%n",
                    name, result.figures().kills(), workload.transactions(), rows);
            assertThat(last.isAlive()).isTrue();
        }
        assertThat(result.figures().kills()).isEqualTo(KILLS);
        assertThat(workload.transactions()).isGreaterThan(20);
    }

    private static void awaitEqual(String what, Callable<List<String>> differences) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        List<String> last;
        do {
            last = differences.call();
            if (last.isEmpty()) {
                return;
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        assertThat(last).as(what + ": target differs from the source (first 20 shown)").isEmpty();
    }

    /** Every difference value by value, at most 20. */
    private static List<String> differences(String sourceUrl, String targetUrl) throws SQLException {
        List<String> out = new ArrayList<>();
        out.addAll(TableDiff.differences(sourceUrl, targetUrl, "fk_grand", List.of("id"), List.of("name")));
        out.addAll(TableDiff.differences(sourceUrl, targetUrl, "fk_parent", List.of("id"), List.of("grand_id", "v")));
        out.addAll(TableDiff.differences(sourceUrl, targetUrl, "fk_child", List.of("id"), List.of("parent_id", "v")));
        out.addAll(TableDiff.differences(sourceUrl, targetUrl, "fk_node", List.of("id"), List.of("up_id", "v")));
        return out.subList(0, Math.min(20, out.size()));
    }

    /** A MariaDB source and a PostgreSQL target compared row by row ({@link ForeignKeyWorkload#rows}). */
    private static List<String> sameRows(Callable<Connection> source, Callable<Connection> target) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection s = source.call(); Connection t = target.call()) {
            for (String table : ForeignKeyWorkload.TABLES) {
                List<String> want = ForeignKeyWorkload.rows(s, table);
                List<String> got = ForeignKeyWorkload.rows(t, table);
                if (!want.equals(got)) {
                    out.add(table + ": source " + want.size() + " rows, target " + got.size()
                            + (want.size() == got.size() ? ", values differ" : ""));
                }
            }
        }
        return out;
    }
}
