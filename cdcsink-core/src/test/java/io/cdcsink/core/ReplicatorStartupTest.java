package io.cdcsink.core;

import io.cdcsink.api.sql.StartupCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.core.logical.DialectProvider;
import io.cdcsink.apply.ResolverService;
import io.cdcsink.testing.SilentServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Start-up without a usable target: wiring connects to nothing, and {@code start()} fails within seconds with one
 * line that names the target and the fix. No database is needed; a silent loopback server stands in for a host
 * whose server never answers.
 */
class ReplicatorStartupTest {
    private static final TargetDialect POSTGRESQL = TargetDialect.of(TargetDialect.Product.POSTGRESQL);

    @Test
    void wiringEverythingAgainstATargetThatNeverAnswersConnectsToNothingAndTakesNoTime() throws Exception {
        try (SilentServer target = new SilentServer()) {
            RecordingDialect source = new RecordingDialect();
            long started = System.nanoTime();
            Replicator r = Replicator.builder().target(TargetConfig.of(target.connectionString()))
                    .source(new DialectProvider("wiring", source), LogicalConfig.defaults("wiring", "app").toOptions())
                    .metricsAddress("127.0.0.1:0")
                    .source(CountingSourceProvider.NAME, Map.of("database", "app"))
                    .wire(POSTGRESQL);
            // Everything a start would use, constructed now: pools, pipeline and its mode, resolver, the logical
            // loop and its metrics server, the provider's source.
            assertThat(r.pipeline().immediate()).isFalse();
            assertThat(r.targetPools().dialect().product()).isEqualTo(TargetDialect.Product.POSTGRESQL);
            assertThat(r.service(ResolverService.class)).isNotNull();
            assertThat(r.source(LogicalLoop.class)).isNotNull();
            assertThat(r.status()).isNotNull();
            assertThat(r.sources()).hasSize(2);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            r.close();
            assertThat(target.accepted()).as("connections made while wiring").isZero();
            assertThat(source.preflights.get()).as("source checks while wiring").isZero();
            assertThat(took).as("wiring waits for no connection").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void immediateOrConsistentIsChosenOnceFromTheTargetConfig() throws Exception {
        String conn = "postgresql://postgres@127.0.0.1:1/postgres";
        Replicator consistent = Replicator.builder().target(TargetConfig.of(conn)).disableAuthentication()
                .wire(POSTGRESQL);
        Replicator immediate = Replicator.builder().target(TargetConfig.of(conn).withImmediate(true))
                .disableAuthentication().wire(POSTGRESQL);
        try {
            assertThat(consistent.service(PipelineMode.class)).isInstanceOf(ConsistentMode.class);
            assertThat(consistent.pipeline().immediate()).isFalse();
            assertThat(immediate.service(PipelineMode.class)).isInstanceOf(ImmediateMode.class);
            assertThat(immediate.pipeline().immediate()).isTrue();
        } finally {
            consistent.close();
            immediate.close();
        }
    }

    @Test
    void startAgainstAClosedPortFailsAtOnceNamingTheTargetAndTheFix() {
        long started = System.nanoTime();
        TargetCheckException e = catchThrowableOfType(() -> Replicator.builder()
                .target(TargetConfig.of("postgresql://postgres@127.0.0.1:1/app?sslmode=disable"))
                .disableAuthentication().start(), TargetCheckException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.getMessage()).doesNotContain("\n").isEqualTo("cannot connect to the target"
                + " postgres@127.0.0.1:1/app: connection refused; start the server, or correct the host and port in"
                + " --conn");
        assertThat(e.problem()).endsWith("connection refused");
        assertThat(e.fix()).contains("--conn");
    }

    @Test
    void startAgainstATargetThatNeverAnswersGivesUpAfterTheCheckTimeout() throws Exception {
        try (SilentServer target = new SilentServer()) {
            RecordingDialect source = new RecordingDialect();
            long started = System.nanoTime();
            assertThatThrownBy(() -> Replicator.builder().target(TargetConfig.of(target.connectionString()))
                    .withoutStaging()
                    .source(new DialectProvider("wiring", source), LogicalConfig.defaults("wiring", "app").toOptions())
                    .start())
                    .isInstanceOf(TargetCheckException.class)
                    .hasMessageStartingWith("cannot connect to the target postgres@127.0.0.1:" + target.port()
                            + "/postgres: no answer after ")
                    .hasMessageEndingWith(" s; check that the server is up and that this host can reach it"
                            + " (network, firewall), or correct the host and port in --conn");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isGreaterThanOrEqualTo(StartupCheck.TIMEOUT.minusMillis(100))
                    .isLessThan(StartupCheck.TIMEOUT.plusSeconds(3));
            assertThat(target.accepted()).as("the one start-up check").isEqualTo(1);
            assertThat(source.preflights.get()).as("nothing starts before the target is known").isZero();
        }
    }

    /** A logical source that only counts its preflights: no source database behind it. */
    private static final class RecordingDialect implements LogicalDialect {
        final AtomicInteger preflights = new AtomicInteger();

        @Override
        public void preflight() {
            preflights.incrementAndGet();
        }

        @Override
        public void stream(Optional<LogicalPosition> from, LogicalEvents events) throws Exception {
            throw new IllegalStateException("not started in these tests");
        }
    }
}
