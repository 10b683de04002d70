package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.status.ReplicationStatus;
import io.cdcsink.core.status.StatusSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogicalMetricsTest {
    private final ReplicationStatus status = new ReplicationStatus();
    private final LogicalMetrics metrics = new LogicalMetrics(new PrometheusRegistry(), "loop", status, false);

    @Test
    void aStartPositionWithoutCommitTimeHasNoLag() {
        metrics.lagSince(Instant.EPOCH, false);
        assertThat(lag()).isEmpty();

        metrics.lagSince(Instant.now().minusSeconds(5), false);
        assertThat(lag()).hasValueSatisfying(l -> assertThat(l).isBetween(Duration.ofSeconds(5),
                Duration.ofSeconds(60)));

        metrics.lagSince(Instant.EPOCH, true);
        assertThat(lag()).contains(Duration.ZERO);
    }

    private Optional<Duration> lag() {
        StatusSnapshot.LoopView loop = status.snapshot().loops().get(0);
        assertThat(loop.name()).isEqualTo("loop");
        return loop.lag();
    }
}
