package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM mid-load with each source's real process ({@link StopUnderLoad}): pglogical, mylogical and objstore stop within
 * {@code --shutdownTimeout} with exit 0, pglogical's slot released and its position recorded; a second SIGTERM makes
 * the webhook exit at once (143); a stop longer than {@code --shutdownTimeout} is cut short (exit 1). Either way a restart ends with the target equal to the source row by row. The release
 * archive's own run of the webhook is {@link ReleaseArchiveIT}.
 */
class GracefulStopIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

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
    void pglogicalStopsCleanlyMidLoadAndLosesNothing() throws Exception {
        String sourceDb = pgSource.freshDatabase("stopsrc");
        String targetDb = target.freshDatabase("stopdst");
        CrashStorms.ddl(pgSource.dataSource(sourceDb)::getConnection);
        CrashStorms.ddl(target.dataSource(targetDb)::getConnection);
        String slot = "stop_" + sourceDb;
        try (Connection c = pgSource.dataSource(sourceDb).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            Bank.open(c);
        }
        List<String> flags = List.of("--sourceConn", "postgresql://postgres@localhost:" + pgSource.port() + "/"
                        + sourceDb + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "bank_pub", "--slotName", slot,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
        long seed = KillStorm.seed(1_001);
        StopUnderLoad.Result result;
        try (Connection writer = pgSource.dataSource(sourceDb).getConnection()) {
            result = StopUnderLoad.run("pglogical", CrashStorms.sql(seed, writer,
                            pgSource.dataSource(sourceDb)::getConnection),
                    () -> CdcSinkProcess.logical("pglogical", "stop-pglogical", flags),
                    target.dataSource(targetDb)::getConnection, 1, Duration.ofSeconds(3), BOUND);
        }
        System.out.printf("graceful stop pglogical: seed=%d exit=%d took=%d ms transfers=%d rows compared=%d%n", seed,
                result.stop().exit(), result.stop().took().toMillis(), result.transfers(), result.rowsCompared());
        assertThat(result.stop().exit()).as("exit code on SIGTERM mid-load").isZero();
        assertThat(result.stop().took()).isLessThan(BOUND);
        assertThat(result.transfers()).isGreaterThan(100);
        assertThat(result.stoppedLog()).contains("SIGTERM: stopping").contains("replicator stopped");
        // The position recorded at the stop is where the next process resumes.
        java.util.regex.Matcher stoppedAt = java.util.regex.Pattern.compile("loop pglogical: stopped at (\\S+)")
                .matcher(result.stoppedLog());
        assertThat(stoppedAt.find()).as("the stop logs its position").isTrue();
        assertThat(result.resumedLog()).contains("streaming slot " + slot + " of publication bank_pub from "
                + stoppedAt.group(1));
        try (Connection c = pgSource.dataSource(sourceDb).getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("the slot is released once the last process stopped").isFalse();
        }
    }

    @Test
    void mylogicalStopsCleanlyMidLoadAndLosesNothing() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String sourceDb = maria.newDatabase("stopsrc");
        String targetDb = target.freshDatabase("mystopdst");
        CrashStorms.ddl(() -> maria.connect(sourceDb));
        CrashStorms.ddl(target.dataSource(targetDb)::getConnection);
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(sourceDb)) {
            Bank.open(c);
        }
        List<String> flags = List.of("--sourceConn", maria.sourceConn(),
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--sourceDatabase", sourceDb, "--defaultGTIDSet", gtid,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
        long seed = KillStorm.seed(1_003);
        StopUnderLoad.Result result;
        try (Connection writer = maria.connect(sourceDb)) {
            result = StopUnderLoad.run("mylogical", CrashStorms.sql(seed, writer, () -> maria.connect(sourceDb)),
                    () -> CdcSinkProcess.logical("mylogical", "stop-mylogical", flags),
                    target.dataSource(targetDb)::getConnection, 1, Duration.ofSeconds(3), BOUND);
        }
        System.out.printf("graceful stop mylogical: seed=%d exit=%d took=%d ms transfers=%d rows compared=%d%n", seed,
                result.stop().exit(), result.stop().took().toMillis(), result.transfers(), result.rowsCompared());
        assertThat(result.stop().exit()).as("exit code on SIGTERM mid-load").isZero();
        assertThat(result.stop().took()).isLessThan(BOUND);
        assertThat(result.transfers()).isGreaterThan(100);
        assertThat(result.stoppedLog()).contains("SIGTERM: stopping").contains("loop mylogical: stopped at")
                .contains("replicator stopped");
    }

    @Test
    void objstoreStopsCleanlyMidLoadAndLosesNothing(@TempDir Path store) throws Exception {
        String db = target.freshDatabase("objstop");
        StopUnderLoad.bankFeedTables(target.dataSource(db));
        long seed = KillStorm.seed(1_004);
        List<String> flags = List.of("--source", store.toUri().toString(), "--targetConn",
                "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetSchema", db + ".public", "--pollInterval", "100ms", "--targetDBConns", "8");
        StopUnderLoad.Result result;
        try (StorageFeed files = new StorageFeed(store)) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, files);
            feed.open();
            result = StopUnderLoad.run("objstore", feed, () -> CdcSinkProcess.logical("objstore", "stop-objstore",
                    flags), target.dataSource(db)::getConnection, 1, Duration.ofSeconds(3), BOUND);
        }
        System.out.printf("graceful stop objstore: seed=%d exit=%d took=%d ms transfers=%d rows compared=%d%n", seed,
                result.stop().exit(), result.stop().took().toMillis(), result.transfers(), result.rowsCompared());
        assertThat(result.stop().exit()).as("exit code on SIGTERM mid-load").isZero();
        assertThat(result.stop().took()).isLessThan(BOUND);
        assertThat(result.transfers()).isGreaterThan(100);
        assertThat(result.stoppedLog()).contains("SIGTERM: stopping").contains("replicator stopped");
    }

    @Test
    void aStopLongerThanShutdownTimeoutIsCutShortWithExitOne() throws Exception {
        String db = target.freshDatabase("bound");
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + db + "?sslmode=disable";
        // Stopping the server, the resolver and the pools takes tens of milliseconds: far more than 1 ms.
        CdcSinkProcess p = CdcSinkProcess.start(conn, "stop-bound", "--shutdownTimeout", "1ms");
        StopUnderLoad.Stop stop = StopUnderLoad.signal(p, 1, BOUND);
        System.out.printf("shutdown timeout 1ms: exit=%d took=%d ms%n", stop.exit(), stop.took().toMillis());
        assertThat(stop.exit()).as(p.logText()).isEqualTo(1);
        assertThat(p.logText()).contains("did not stop within --shutdownTimeout 1ms: exiting now");
    }

    @Test
    void aSecondSigtermStopsTheWebhookAtOnceAndARestartLosesNothing() throws Exception {
        String db = target.freshDatabase("twice");
        StopUnderLoad.bankFeedTables(target.dataSource(db));
        long seed = KillStorm.seed(1_002);
        int port = CdcSinkProcess.freePort();
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + db + "?sslmode=disable";
        StopUnderLoad.Result result = StopUnderLoad.webhook("webhook, two signals", db, seed, port, () -> {
            CdcSinkProcess p = CdcSinkProcess.startingOn(port, conn, "stop-twice");
            p.awaitHealthy(Duration.ofSeconds(60));
            return p;
        }, target.dataSource(db), 2, BOUND);
        System.out.printf("second signal webhook: seed=%d exit=%d took=%d ms transfers=%d rows compared=%d%n", seed,
                result.stop().exit(), result.stop().took().toMillis(), result.transfers(), result.rowsCompared());
        // 128 + SIGTERM: the second signal (20 ms after the first) cut the stop short, which takes longer than that.
        assertThat(result.stop().exit()).as(result.stoppedLog()).isEqualTo(143);
        assertThat(result.stoppedLog()).contains("second SIGTERM: exiting at once");
        assertThat(result.stop().took()).isLessThan(Duration.ofSeconds(5));
        assertThat(result.transfers()).isGreaterThan(100);
    }
}
