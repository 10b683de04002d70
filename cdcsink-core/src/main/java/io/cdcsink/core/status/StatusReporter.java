package io.cdcsink.core.status;

import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the {@link ReplicationStatus} over time: one lag sample a second for the chart, and every
 * {@link #PROGRESS_INTERVAL} one INFO progress line while there is work (see {@link ProgressLine}). Started and
 * stopped by the replicator; owns its one thread.
 */
public final class StatusReporter implements AutoCloseable {
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);
    /** Log even without new rows while the lag is above this: the replicator is stuck or the source is idle. */
    static final Duration LAG_THRESHOLD = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);

    private final ReplicationStatus status;
    private final Object lifecycle = new Object();
    private ScheduledExecutorService executor;
    /** While nothing new is applied (a stuck or idle replicator with lag) the line comes at most this often. */
    static final Duration IDLE_INTERVAL = Duration.ofMinutes(1);
    private StatusSnapshot lastProgress;
    private int ticks;
    private long lastIdleLineNanos = Long.MIN_VALUE;

    @Inject
    public StatusReporter(ReplicationStatus status) {
        this.status = Objects.requireNonNull(status, "status");
    }

    public void start() {
        synchronized (lifecycle) {
            if (executor != null) {
                throw new IllegalStateException("status reporter already started");
            }
            lastProgress = status.snapshot();
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cdc-sink-status");
                t.setDaemon(true);
                return t;
            });
            executor.scheduleAtFixedRate(this::tick, SAMPLE_INTERVAL.toMillis(), SAMPLE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            status.sample();
            if (++ticks % (PROGRESS_INTERVAL.toMillis() / SAMPLE_INTERVAL.toMillis()) == 0) {
                StatusSnapshot now = status.snapshot();
                progressLine(lastProgress, now, System.nanoTime()).ifPresent(LOG::info);
                lastProgress = now;
            }
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule.
            LOG.debug("status sample failed", e);
        }
    }

    /** The progress line to log now, if any: with new rows every time, without them at most once a minute. */
    java.util.Optional<String> progressLine(StatusSnapshot before, StatusSnapshot now, long nanos) {
        java.util.Optional<String> line = ProgressLine.between(before, now, LAG_THRESHOLD);
        if (line.isEmpty() || now.rowsApplied() != before.rowsApplied()) {
            return line;
        }
        if (lastIdleLineNanos != Long.MIN_VALUE && nanos - lastIdleLineNanos < IDLE_INTERVAL.toNanos()) {
            return java.util.Optional.empty();
        }
        lastIdleLineNanos = nanos;
        return line;
    }

    @Override
    public void close() {
        ScheduledExecutorService e;
        synchronized (lifecycle) {
            e = executor;
            executor = null;
        }
        if (e == null) {
            return;
        }
        e.shutdownNow();
        try {
            e.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
