package io.cdcsink.demo;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * One replication path's progress from its replicator's metrics: rows applied per second since the previous
 * reading, and lag, the source commit time of the newest change not yet in the target minus the newest applied
 * one (0 when caught up).
 */
final class DemoProgress {
    private final String name;
    private final PrometheusRegistry registry;
    private final String rowsMetric;
    private final String appliedTimeMetric;
    private double lastRows;
    private long lastReading = System.nanoTime();

    DemoProgress(String name, PrometheusRegistry registry, String rowsMetric, String appliedTimeMetric) {
        this.name = name;
        this.registry = registry;
        this.rowsMetric = rowsMetric;
        this.appliedTimeMetric = appliedTimeMetric;
    }

    /** For the webhook path: rows applied by resolved windows and the newest applied resolved timestamp. */
    static DemoProgress webhook(PrometheusRegistry registry) {
        return new DemoProgress("webhook", registry, "resolve_mutations_applied_total",
                "resolve_last_resolved_timestamp_seconds");
    }

    /** For pglogical: rows applied and the source commit time of the newest durable transaction. */
    static DemoProgress pglogical(PrometheusRegistry registry) {
        return new DemoProgress("pglogical", registry, "logical_mutations_total",
                "logical_last_commit_time_seconds");
    }

    double rows() {
        return DemoMetrics.sum(registry, rowsMetric);
    }

    /**
     * @param newestSourceCommit Unix seconds of the newest committed source transaction, 0 before the first
     */
    String line(double newestSourceCommit) {
        long now = System.nanoTime();
        double rows = rows();
        double seconds = Math.max(1e-3, (now - lastReading) / 1e9);
        double rate = (rows - lastRows) / seconds;
        lastRows = rows;
        lastReading = now;
        double applied = DemoMetrics.max(registry, appliedTimeMetric);
        double lag = newestSourceCommit <= 0 ? 0 : Math.max(0, newestSourceCommit - applied);
        if (applied <= 0 && newestSourceCommit > 0) {
            return String.format("%s %6.0f rows/s  lag    -", name, rate);
        }
        return String.format("%s %6.0f rows/s  lag %4.1fs", name, rate, lag);
    }
}
