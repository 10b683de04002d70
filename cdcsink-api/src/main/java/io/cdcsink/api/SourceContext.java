package io.cdcsink.api;

import java.util.Map;
import javax.sql.DataSource;

/** What the replicator hands a source when creating it. */
public interface SourceContext {
    /** Where the source writes mutations and resolved timestamps. */
    Pipeline pipeline();

    /** Connections to a target database, for sources that keep their own state there. */
    DataSource targetDatabase(String database);

    /** Source-specific options (flag name without dashes → value). */
    Map<String, String> options();

    /**
     * A shared service of the replicator, such as {@link Authenticator} or the metrics registry
     * ({@code io.prometheus.metrics.model.registry.PrometheusRegistry}).
     *
     * @throws IllegalArgumentException when the replicator has no such service
     */
    <T> T service(Class<T> type);
}
