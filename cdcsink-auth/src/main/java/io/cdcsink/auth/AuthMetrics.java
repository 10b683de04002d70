package io.cdcsink.auth;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.time.Instant;

/** Metrics of token authentication. */
public final class AuthMetrics {
    private final Counter success;
    private final Counter failure;
    private final Gauge lastRefresh;

    @Inject
    public AuthMetrics(PrometheusRegistry registry) {
        success = Counter.builder().withoutExemplars().name("auth_success_total")
                .help("Requests whose token allowed the write").register(registry);
        failure = Counter.builder().withoutExemplars().name("auth_failure_total")
                .help("Requests refused for want of a valid token, by reason").labelNames("reason").register(registry);
        lastRefresh = Gauge.builder().withoutExemplars().name("jwt_last_refresh_time_seconds")
                .help("Unix time of the last successful load of JWT keys, by target database")
                .labelNames("database").register(registry);
    }

    void record(Verdict verdict) {
        if (verdict.allowed()) {
            success.inc();
        } else {
            failure.labelValues(verdict.reason()).inc();
        }
    }

    void refreshed(String database, Instant when) {
        lastRefresh.labelValues(database).set(when.getEpochSecond());
    }
}
