package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.demo.emulator.EmulatorStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The consistency checker on the webhook path: the bank workload ({@link BankFeed}) is posted to the real jar by the
 * changefeed emulator from three "nodes", shuffled within each resolved window and with batches delivered twice.
 * Consistent mode must never show half a transaction on the target; immediate mode, with compare-and-set on the
 * rows' version column as docs/apply-config.md advises for out-of-order feeds, must end in the same state. Each on
 * every {@link TestTarget}.
 */
class WebhookBankIT {
    private static final int TRANSFERS = 1_500;
    private TestTarget target;
    private String db;

    private void createTables(TestTarget target) throws SQLException {
        this.target = target;
        db = target.freshDatabase("webbank");
        target.exec(db, BankFeed.ddl().toArray(String[]::new));
    }

    @ParameterizedTest
    @EnumSource(TestTarget.class)
    void consistentModeNeverShowsHalfATransaction(TestTarget target) throws Exception {
        createTables(target);
        try (CdcSinkProcess p = CdcSinkProcess.start(target.conn(db), "webbank-consistent");
             InvariantReader reader = new InvariantReader(() -> target.connect(db));
             ChangefeedEmulator emulator = new ChangefeedEmulator(p.uri(""), feedConfig(31))) {
            BankFeed feed = new BankFeed(31, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            EmulatorStats stats = transfers("consistent", feed, emulator, reader);
            assertThat(reader.violations()).as("half-applied transactions seen on the target").isEmpty();
            assertThat(reader.reads()).isGreaterThan(100);
            assertThat(stats.duplicateBatches()).isPositive();
            assertThat(stats.transactions()).isEqualTo(TRANSFERS + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestTarget.class)
    void immediateModeWithCompareAndSetEndsInTheSourceState(TestTarget target) throws Exception {
        createTables(target);
        try (CdcSinkProcess p = CdcSinkProcess.start(target.conn(db), "webbank-immediate", "--immediate");
             InvariantReader reader = new InvariantReader(() -> target.connect(db));
             ChangefeedEmulator emulator = new ChangefeedEmulator(p.uri(""), feedConfig(32))) {
            BankFeed feed = new BankFeed(32, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            emulator.finish(Duration.ofMinutes(1));
            // The first mutation created the staging schema with apply_config: configure CAS on ver and reload.
            try (Connection c = target.connect(db)) {
                Bank.compareAndSetOnVer(p, c, db, target.schema(db));
            }
            EmulatorStats stats = transfers("immediate+CAS", feed, emulator, reader);
            assertThat(stats.duplicateBatches()).isPositive();
            try (Connection c = target.connect(db)) {
                assertThat(Bank.totals(c).consistent()).isTrue();
            }
        }
    }

    private EmulatorConfig feedConfig(long seed) {
        return EmulatorConfig.to("/" + db + "/" + target.schema(db)).withNodes(3).withShuffle(true).withDuplicateProbability(0.2)
                .withSenders(4).withBatchSize(25).withResolvedInterval(Duration.ofMillis(50)).withSeed(seed);
    }

    /**
     * Feeds the transfers, waits until the emulator has delivered them and the target equals the feed, stops the
     * reader and prints the figures.
     */
    private EmulatorStats transfers(String mode, BankFeed feed, ChangefeedEmulator emulator, InvariantReader reader)
            throws Exception {
        for (int i = 0; i < TRANSFERS; i++) {
            feed.transfer();
        }
        EmulatorStats stats = emulator.finish(Duration.ofMinutes(2));
        long rows = CrashStorms.awaitSame(feed, target(), Duration.ofSeconds(60));
        reader.close();
        System.out.printf("webhook bank %s into %s: transactions=%d batches=%d (duplicates %d) retries=%d invariant reads=%d"
                        + " violations=%d rows compared=%d%n", mode, target, stats.transactions(), stats.batches(),
                stats.duplicateBatches(), stats.retries(), reader.reads(), reader.violations().size(), rows);
        return stats;
    }

    private Callable<Connection> target() {
        return () -> target.connect(db);
    }
}
