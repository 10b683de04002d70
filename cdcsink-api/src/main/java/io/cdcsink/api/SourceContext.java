package io.cdcsink.api;

import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/** What the replicator hands a source when creating it. */
public interface SourceContext {
    /** The options {@link #logical} reads; a logical source accepts these beside its own. */
    Set<String> LOGICAL_OPTIONS = Set.of("targetDB", "loopName", "immediate", "backfillWindow", "fanShards",
            "bytesInFlight", "applyTimeout", "retryDelay", "standbyTimeout", "schemaEvolution", "snapshot", "snapshotTables",
            "snapshotWorkers", "snapshotChunkRows", "snapshotKey");

    /** Where the source writes mutations and resolved timestamps. */
    Pipeline pipeline();

    /** Connections to a target database, for sources that keep their own state there. */
    DataSource targetDatabase(String database);

    /** Source-specific options (flag name without dashes → value); {@link Options} reads them with checks. */
    Map<String, String> options();

    /**
     * Runs a log-based source with the replicator's logical-replication loop: source transactions applied in order,
     * one target transaction each (or fanned out in immediate and backfill mode), positions stored in the target with
     * the data, acknowledged to the source once durable, backpressure, retries and metrics. The loop takes its
     * settings from this source's options ({@link #LOGICAL_OPTIONS}): {@code targetDB} (required), {@code loopName}
     * (default: the provider's name), {@code immediate}, {@code backfillWindow}, {@code fanShards},
     * {@code bytesInFlight}, {@code applyTimeout}, {@code retryDelay}, {@code standbyTimeout},
     * {@code schemaEvolution}, {@code snapshot}, {@code snapshotTables}, {@code snapshotWorkers},
     * {@code snapshotChunkRows}, {@code snapshotKey}, as the
     * {@code pglogical} and {@code mylogical} flags of those names, with their defaults.
     *
     * @return the loop, to return from {@link SourceProvider#create}
     * @throws IllegalArgumentException naming the option when one is missing or malformed
     */
    Source logical(LogicalDialect dialect);

    /**
     * A shared service of the replicator, such as {@link Authenticator} or the metrics registry
     * ({@code io.prometheus.metrics.model.registry.PrometheusRegistry}).
     *
     * @throws IllegalArgumentException when the replicator has no such service
     */
    <T> T service(Class<T> type);
}
