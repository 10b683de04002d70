package io.cdcsink.core.logical;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.TableName;
import io.cdcsink.core.status.ReplicationStatus;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Metrics of one logical-replication loop, labelled with {@code loop} = {@code --loopName}; everything recorded here
 * also goes to the replicator's {@link ReplicationStatus} (the status page and progress log). The loop's labelled
 * data points are looked up once: some are set for every event, and a lookup allocates.
 */
final class LogicalMetrics {
    private final String loop;
    private final ReplicationStatus status;
    private final ReplicationStatus.Loop loopStatus;
    private final ReplicationRecorder.Mode steadyMode;
    private final CounterDataPoint commits;
    private final CounterDataPoint mutations;
    private final CounterDataPoint backpressureWaits;
    private final CounterDataPoint retries;
    /** Labelled on the first durable commit, not before: until then the series is absent, not the epoch. */
    private final Gauge lastCommitTime;
    private final GaugeDataPoint lag;
    private final GaugeDataPoint backfill;
    private final GaugeDataPoint bytesInFlight;
    private final Gauge position;

    LogicalMetrics(PrometheusRegistry registry, String loop, ReplicationStatus status, boolean immediate) {
        this.loop = loop;
        this.status = status;
        this.loopStatus = status.loop(loop);
        this.steadyMode = immediate ? ReplicationRecorder.Mode.IMMEDIATE : ReplicationRecorder.Mode.CONSISTENT;
        loopStatus.mode(steadyMode);
        this.commits = Counter.builder().withoutExemplars().name("logical_committed_transactions_total")
                .help("source transactions applied and durable in the target").labelNames("loop")
                .register(registry)
                .labelValues(loop);
        this.mutations = Counter.builder().withoutExemplars().name("logical_mutations_total")
                .help("row changes applied to the target").labelNames("loop").register(registry)
                .labelValues(loop);
        this.backpressureWaits = Counter.builder().withoutExemplars().name("logical_backpressure_waits_total")
                .help("times the reader waited for --bytesInFlight budget").labelNames("loop").register(registry)
                .labelValues(loop);
        this.retries = Counter.builder().withoutExemplars().name("logical_retries_total")
                .help("failed replication attempts followed by a retry after --retryDelay").labelNames("loop")
                .register(registry)
                .labelValues(loop);
        this.lastCommitTime = Gauge.builder().withoutExemplars().name("logical_last_commit_time_seconds")
                .help("source commit time of the newest durable transaction (Unix seconds)").labelNames("loop")
                .register(registry);
        this.lag = Gauge.builder().withoutExemplars().name("logical_lag_seconds")
                .help("age of the newest durable source commit while work is pending; 0 when caught up")
                .labelNames("loop").register(registry)
                .labelValues(loop);
        this.backfill = Gauge.builder().withoutExemplars().name("logical_backfill")
                .help("1 while the loop applies in backfill (fan) mode").labelNames("loop").register(registry)
                .labelValues(loop);
        this.bytesInFlight = Gauge.builder().withoutExemplars().name("logical_bytes_in_flight")
                .help("mutation bytes read from the source and not yet applied").labelNames("loop")
                .register(registry)
                .labelValues(loop);
        this.position = Gauge.builder().withoutExemplars().name("logical_position_info")
                .help("the newest durable source position (LSN or GTID set) as a label").labelNames("loop",
                        "position").register(registry);
    }

    void durable(LogicalPosition p, long transactions) {
        commits.inc(transactions);
        lastCommitTime.labelValues(loop).set(p.commitTime().toEpochMilli() / 1000.0);
        position.clear();
        position.labelValues(loop, p.text()).set(1);
        loopStatus.position(p.text(), p.commitTime());
    }

    /** Rows committed in the target, per table, by the loop's current mode. */
    void applied(long rows, Map<TableName, ApplyResult> perTable, ReplicationRecorder.Mode mode) {
        mutations.inc(rows);
        loopStatus.applied(rows);
        perTable.forEach((t, r) -> status.applied(t, mode, r));
    }

    void lag(Duration value) {
        lag.set(Math.max(0, value.toMillis()) / 1000.0);
        loopStatus.lag(value);
    }

    /**
     * The lag behind a durable position committed at {@code commitTime}. A start position given on the command line
     * (mylogical's {@code --defaultGTIDSet}) carries no commit time ({@link Instant#EPOCH}): until a transaction is
     * applied the lag is unknown, not 56 years.
     */
    void lagSince(Instant commitTime, boolean caughtUp) {
        if (caughtUp) {
            lag(Duration.ZERO);
        } else if (commitTime.isAfter(Instant.EPOCH)) {
            lag(Duration.between(commitTime, Instant.now()));
        }
    }

    void backfill(boolean on) {
        backfill.set(on ? 1 : 0);
        loopStatus.mode(on ? ReplicationRecorder.Mode.BACKFILL : steadyMode);
    }

    void backpressureWait() {
        backpressureWaits.inc();
    }

    void retry(String problem) {
        retries.inc();
        loopStatus.failed(problem);
    }

    void bytesInFlight(long bytes) {
        bytesInFlight.set(bytes);
    }
}
