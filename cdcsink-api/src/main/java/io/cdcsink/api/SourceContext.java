package io.cdcsink.api;

import java.util.Map;

/** What the replicator hands a source when creating it. */
public interface SourceContext {
    /** Where the source writes mutations and resolved timestamps. */
    Pipeline pipeline();

    /** Connections to the target, for sources that keep their own state there. */
    TargetPools targetPools();

    /** Source-specific options (flag name without dashes → value). */
    Map<String, String> options();

    /**
     * A shared service of the replicator, such as {@link Authenticator}, {@link Checkpoints} or the metrics registry
     * ({@code io.prometheus.metrics.model.registry.PrometheusRegistry}).
     *
     * @throws IllegalArgumentException when the replicator has no such service
     */
    <T> T service(Class<T> type);
}
