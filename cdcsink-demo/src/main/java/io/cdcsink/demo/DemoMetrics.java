package io.cdcsink.demo;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one value of a replicator's metrics: the sum of a counter or the largest value of a gauge. */
final class DemoMetrics {
    private DemoMetrics() {
    }

    /** Sum over all labels of a counter or gauge; 0 when absent. */
    static double sum(PrometheusRegistry registry, String name) {
        double total = 0;
        for (DataPointSnapshot p : points(registry, name)) {
            total += value(p);
        }
        return total;
    }

    /** Largest value over all labels; 0 when absent. */
    static double max(PrometheusRegistry registry, String name) {
        double max = 0;
        for (DataPointSnapshot p : points(registry, name)) {
            max = Math.max(max, value(p));
        }
        return max;
    }

    private static java.util.List<? extends DataPointSnapshot> points(PrometheusRegistry registry, String name) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        for (MetricSnapshot s : registry.scrape(n -> n.equals(name) || n.equals(base))) {
            if (s.getMetadata().getName().equals(base) || s.getMetadata().getName().equals(name)) {
                return s.getDataPoints();
            }
        }
        return java.util.List.of();
    }

    private static double value(DataPointSnapshot p) {
        if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
            return c.getValue();
        }
        if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
            return g.getValue();
        }
        return 0;
    }
}
