package io.cdcsink.apply;

import io.cdcsink.api.TableName;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The applier's per-table metrics, labelled with the target table's raw database, schema and table names. */
final class ApplyMetrics {
    private static final String[] LABELS = {"database", "schema", "table"};

    private final Counter upserts;
    private final Counter copied;
    private final Counter deletes;
    private final Counter errors;
    private final Histogram duration;
    private final Counter casDiscarded;
    private final Counter deadlineDiscarded;
    private final Counter deadLettered;

    ApplyMetrics(PrometheusRegistry registry) {
        // Every metric of cdc-sink is built without exemplars: they need a tracer, which cdc-sink has none of, and
        // sampling them kept the client library's scheduler thread busy (seen in the #8 catch-up profile).
        upserts = Counter.builder().withoutExemplars().name("apply_upserts_total")
                .help("Rows upserted into target tables").labelNames(LABELS).register(registry);
        copied = Counter.builder().withoutExemplars().name("apply_copied_total")
                .help("Upserted rows that were new and written with COPY (PostgreSQL), a part of apply_upserts_total")
                .labelNames(LABELS).register(registry);
        deletes = Counter.builder().withoutExemplars().name("apply_deletes_total")
                .help("Rows deleted from target tables").labelNames(LABELS).register(registry);
        errors = Counter.builder().withoutExemplars().name("apply_errors_total").help("Apply calls that failed")
                .labelNames(LABELS).register(registry);
        duration = Histogram.builder().withoutExemplars().name("apply_duration_seconds")
                .help("Duration of successful apply calls in seconds")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .labelNames(LABELS).register(registry);
        casDiscarded = Counter.builder().withoutExemplars().name("apply_cas_discarded_total")
                .help("Upserts discarded because their CAS columns did not exceed the existing row's")
                .labelNames(LABELS).register(registry);
        deadlineDiscarded = Counter.builder().withoutExemplars().name("apply_deadline_discarded_total")
                .help("Upserts discarded because a deadline column was older than the configured deadline")
                .labelNames(LABELS).register(registry);
        deadLettered = Counter.builder().withoutExemplars().name("apply_dead_letters_total")
                .help("Rows the target refused that were set aside in dead_letters (--onApplyError deadletter),"
                        + " with the later changes of their keys")
                .labelNames(LABELS).register(registry);
    }

    void deadLettered(TableName table) {
        deadLettered.labelValues(labels(table)).inc();
    }

    void discarded(TableName table, long byCas, long byDeadline) {
        if (byCas > 0) {
            casDiscarded.labelValues(labels(table)).inc(byCas);
        }
        if (byDeadline > 0) {
            deadlineDiscarded.labelValues(labels(table)).inc(byDeadline);
        }
    }

    void success(TableName table, long upserted, long copiedRows, long deleted, long elapsedNanos) {
        String[] labels = labels(table);
        upserts.labelValues(labels).inc(upserted);
        copied.labelValues(labels).inc(copiedRows);
        deletes.labelValues(labels).inc(deleted);
        duration.labelValues(labels).observe(elapsedNanos / 1e9);
    }

    void failure(TableName table) {
        errors.labelValues(labels(table)).inc();
    }

    private static String[] labels(TableName table) {
        return new String[] {table.database(), table.schema(), table.table()};
    }
}
