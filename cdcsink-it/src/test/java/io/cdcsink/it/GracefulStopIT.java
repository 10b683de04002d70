package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM mid-load with each source's real process ({@link StopUnderLoad}): pglogical stops within
 * {@code --shutdownTimeout} with exit 0, its slot released and its position recorded; a second SIGTERM makes the
 * webhook exit at once (143). Either way a restart ends with the target equal to the source row by row. The release
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
    void aSecondSigtermStopsTheWebhookAtOnceAndARestartLosesNothing() throws Exception {
        String db = target.freshDatabase("twice");
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            for (String sql : BankFeed.ddl()) {
                s.execute(sql);
            }
        }
        long seed = KillStorm.seed(1_002);
        int port = CdcSinkProcess.freePort();
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + db + "?sslmode=disable";
        EmulatorConfig config = EmulatorConfig.to("/" + db + "/public").withNodes(3).withShuffle(true)
                .withDuplicateProbability(0.1).withSenders(4).withBatchSize(20)
                .withResolvedInterval(Duration.ofMillis(200)).withSeed(seed).withRetryTimeout(Duration.ofMinutes(5));
        StopUnderLoad.Result result;
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(URI.create("http://127.0.0.1:" + port), config)) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            result = StopUnderLoad.run("webhook, two signals", feed, () -> {
                CdcSinkProcess p = CdcSinkProcess.startingOn(port, conn, "stop-twice");
                p.awaitHealthy(Duration.ofSeconds(60));
                return p;
            }, target.dataSource(db)::getConnection, 2, Duration.ofSeconds(3), BOUND);
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
        }
        System.out.printf("second signal webhook: seed=%d exit=%d took=%d ms transfers=%d rows compared=%d%n", seed,
                result.stop().exit(), result.stop().took().toMillis(), result.transfers(), result.rowsCompared());
        // Exit 143 (128 + SIGTERM) from the second signal, or 0 when the first stop was done before it came.
        assertThat(result.stop().exit()).isIn(0, 143);
        assertThat(result.stop().took()).isLessThan(Duration.ofSeconds(5));
        assertThat(result.transfers()).isGreaterThan(100);
    }
}
