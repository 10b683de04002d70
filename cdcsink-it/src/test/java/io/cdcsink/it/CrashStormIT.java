package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
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
 * Crash safety and the consistency checker, for the logical sources: the real jar is killed with SIGKILL at least 20
 * times at seeded random moments (start-up included) while a bank workload writes to the source; a reader checks the
 * bank invariant on the target the whole time. Consistent mode must never show half a transaction, and at the end
 * source and target must be equal row by row. {@code -Dstorm.seed} replays a run, {@code -Dstorm.kills} changes the
 * number of kills.
 */
class CrashStormIT {
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
    void pglogicalSurvivesAKillStormWithoutLossOrHalfTransactions() throws Exception {
        String sourceDb = pgSource.freshDatabase("stormsrc");
        String targetDb = target.freshDatabase("stormdst");
        ddl(pgSource.dataSource(sourceDb)::getConnection);
        ddl(target.dataSource(targetDb)::getConnection);
        try (Connection c = pgSource.dataSource(sourceDb).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('storm_" + sourceDb + "', 'pgoutput')");
            Bank.open(c);
        }
        List<String> flags = List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + pgSource.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "bank_pub", "--slotName", "storm_" + sourceDb,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
        storm("pglogical", 505, () -> CdcSinkProcess.logicalStarting("pglogical", "storm-pglogical", flags),
                pgSource.dataSource(sourceDb)::getConnection, target.dataSource(targetDb)::getConnection);
    }

    @Test
    void mylogicalSurvivesAKillStormWithoutLossOrHalfTransactions() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String sourceDb = maria.newDatabase("stormsrc");
        String targetDb = target.freshDatabase("stormdst");
        ddl(() -> maria.connect(sourceDb));
        ddl(target.dataSource(targetDb)::getConnection);
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(sourceDb)) {
            Bank.open(c);
        }
        List<String> flags = List.of("--sourceConn", maria.sourceConn(),
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--sourceDatabase", sourceDb, "--defaultGTIDSet", gtid,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
        storm("mylogical", 606, () -> CdcSinkProcess.logicalStarting("mylogical", "storm-mylogical", flags),
                () -> maria.connect(sourceDb), target.dataSource(targetDb)::getConnection);
    }

    private static void ddl(Callable<Connection> db) throws Exception {
        try (Connection c = db.call(); Statement s = c.createStatement()) {
            for (String sql : Bank.ddl()) {
                s.execute(sql);
            }
        }
    }

    private static void storm(String name, long defaultSeed, Callable<CdcSinkProcess> starter,
                              Callable<Connection> source, Callable<Connection> target) throws Exception {
        long seed = KillStorm.seed(defaultSeed);
        Bank bank = new Bank(seed);
        KillStorm.Result result;
        long rows;
        try (InvariantReader reader = new InvariantReader(() -> connect(target))) {
            result = new KillStorm(seed, KillStorm.kills(), starter).run(source, bank);
            try (CdcSinkProcess last = result.process()) {
                rows = awaitSame(source, target, Duration.ofSeconds(120));
            }
            reader.close();
            System.out.printf("crash storm %s: seed=%d kills=%d (during start-up %d) transfers=%d invariant reads=%d"
                            + " violations=%d rows compared=%d%n", name, seed, result.figures().kills(),
                    result.figures().duringStartup(), result.figures().transfers(), reader.reads(),
                    reader.violations().size(), rows);
            assertThat(reader.violations()).as("half-applied transactions seen on the target (seed %d)", seed)
                    .isEmpty();
            assertThat(reader.reads()).as("invariant reads").isGreaterThan(100);
        }
        assertThat(result.figures().kills()).isGreaterThanOrEqualTo(Math.min(20, KillStorm.kills()));
        assertThat(result.figures().transfers()).isGreaterThan(0);
        try (Connection t = target.call()) {
            assertThat(Bank.totals(t).money()).isEqualTo(Bank.TOTAL);
            assertThat(Bank.rows(t, "bank_log")).hasSize((int) result.figures().transfers());
        }
    }

    private static Connection connect(Callable<Connection> db) throws SQLException {
        try {
            return db.call();
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }

    /** Waits until every bank table is equal row by row on both sides; returns the rows compared. */
    private static long awaitSame(Callable<Connection> source, Callable<Connection> target, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long compared = 0;
            List<String> differing = new ArrayList<>();
            try (Connection s = source.call(); Connection t = target.call()) {
                for (String table : Bank.TABLES) {
                    List<String> want = Bank.rows(s, table);
                    List<String> got = Bank.rows(t, table);
                    compared += want.size();
                    if (!want.equals(got)) {
                        differing.add(table + " (source " + want.size() + " rows, target " + got.size() + ")");
                    }
                }
            }
            if (differing.isEmpty()) {
                return compared;
            }
            assertThat(System.nanoTime()).as("source and target equal; differing: " + differing)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
