package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CrashStorms} for the webhook: the changefeed emulator posts the bank workload live from three "nodes"
 * (shuffled, with duplicates) to {@code cdc-sink start} in consistent mode, which is killed and restarted on the
 * same port. The emulator retries what a killed process did not acknowledge, as a changefeed does.
 */
class WebhookCrashStormIT {
    /** On PostgreSQL the full storm; on MariaDB a short one (3 kills; the full one with -Dnightly=true). */
    @ParameterizedTest
    @EnumSource(TestTarget.class)
    void webhookSurvivesAKillStormWithoutLossOrHalfTransactions(TestTarget target) throws Exception {
        String db = target.freshDatabase("webstorm");
        target.exec(db, BankFeed.ddl().toArray(String[]::new));
        long seed = KillStorm.seed(707);
        int kills = target == TestTarget.POSTGRESQL ? KillStorm.kills() : KillStorm.shortStorm(3);
        int port = CdcSinkProcess.freePort();
        String conn = target.conn(db);
        // A process lives 0.1-1.5 s after it is healthy, so a post may only get through once the storm is over: the
        // retries must outlast the whole storm (20 restarts took more than 3 minutes on a busy 2-core machine), as a
        // changefeed's do.
        EmulatorConfig config = StopUnderLoad.bankChangefeed(db, target.schema(db), seed, Duration.ofMinutes(10));
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(URI.create("http://127.0.0.1:" + port), config)) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            CrashStorms.storm("webhook into " + target, seed, kills,
                    () -> CdcSinkProcess.startingOn(port, conn, "storm-webhook"), feed, () -> target.connect(db));
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
        }
    }
}
