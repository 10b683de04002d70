package io.cdcsink.apply;

import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyOrder;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.Durations;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Resolver;
import io.cdcsink.engine.Stager;
import io.cdcsink.engine.TargetPools;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies resolved windows: for each target schema with queued resolved timestamps, one loop takes the oldest
 * unapplied timestamp R and, in one transaction of the schema's database, hands the newest staged mutation per key
 * at or before R of every staged table to the applier, removes them from staging and records R as applied. The
 * target is therefore consistent at every resolved timestamp, and windows are applied strictly in order.
 *
 * <p>Any number of instances may run against one target: a per-schema claim taken inside the window's transaction
 * ({@link ResolvedTimestamps#claimOldest}) lets one apply while the others back off.
 *
 * <p>While a loop applies a window, the next pending one is read on a second connection ({@link ReadAhead}), so a
 * backlog of windows is applied with reading and writing overlapped.
 *
 * <p>Loops are started by {@link #wake} (a new resolved timestamp) and by a scan of every target database at
 * {@link #start} and every {@code scanInterval}, so windows queued before a restart are applied without new traffic.
 *
 * <p>Tables are applied in the order of their foreign keys ({@link Applier#order}): upserts of referenced tables
 * parents first, then the other tables, then the deletes of referenced tables children first, which are held in
 * memory until then (keys only); a table that references itself is handed over whole, so its rows can be ordered.
 * Foreign keys checked per statement then hold throughout the window's transaction.
 *
 * <p>It works against contracts only: the {@link Stager} holds the staged mutations, {@link ResolvedTimestamps} the
 * queue of windows and the last applied one, the {@link Applier} writes.
 */
public final class ResolverService implements Resolver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResolverService.class);
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How often a loop whose target database was unreachable looks whether it is back. */
    private static final Duration HEALTH_INTERVAL = Duration.ofMillis(250);
    /** At most one WARN per loop this often while its windows keep failing. */
    private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    private enum Status { APPLIED, NO_WORK, BLOCKED }

    private record Attempt(Status status, Optional<WindowResult> window) {
    }

    private final TargetPools pools;
    private final Stager stager;
    private final Applier applier;
    private final ResolverConfig config;
    private final ResolvedTimestamps timestamps;
    private final ReplicationRecorder recorder;
    private final Map<SchemaName, Loop> loops = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private ExecutorService loopExecutor;
    private ScheduledExecutorService scanner;
    /** Reads each loop's next window while it applies the current one; null unless started. */
    private volatile ReadAhead readAhead;
    private volatile boolean running;

    private final Counter windowsApplied;
    private final Counter windowsReadAhead;
    private final Counter errors;
    private final Counter mutationsApplied;
    private final Histogram applyDuration;
    private final Gauge lastResolved;
    private final Gauge lag;

    /** Without a recorder: for tools and tests that do not report status. */
    public ResolverService(TargetPools pools, Stager stager, Applier applier, ResolvedTimestamps timestamps,
                           ResolverConfig config, PrometheusRegistry registry) {
        this(pools, stager, applier, timestamps, config, registry, ReplicationRecorder.NONE);
    }

    @Inject
    public ResolverService(TargetPools pools, Stager stager, Applier applier, ResolvedTimestamps timestamps,
                           ResolverConfig config, PrometheusRegistry registry, ReplicationRecorder recorder) {
        this.pools = pools;
        this.recorder = recorder;
        this.stager = stager;
        this.applier = applier;
        this.config = config;
        this.timestamps = timestamps;
        String[] labels = {"database", "schema"};
        windowsApplied = Counter.builder().withoutExemplars().name("resolve_windows_applied_total")
                .help("Resolved windows applied to the target").labelNames(labels).register(registry);
        windowsReadAhead = Counter.builder().withoutExemplars().name("resolve_windows_read_ahead_total")
                .help("Resolved windows applied from rows read ahead while the window before was applied")
                .labelNames(labels).register(registry);
        errors = Counter.builder().withoutExemplars().name("resolve_errors_total")
                .help("Failed attempts to apply a resolved window").labelNames(labels).register(registry);
        mutationsApplied = Counter.builder().withoutExemplars().name("resolve_mutations_applied_total")
                .help("Mutations applied by resolved windows").labelNames(labels).register(registry);
        applyDuration = Histogram.builder().withoutExemplars().name("resolve_apply_duration_seconds")
                .help("Time to apply one resolved window, including its commit").labelNames(labels)
                .register(registry);
        lastResolved = Gauge.builder().withoutExemplars().name("resolve_last_resolved_timestamp_seconds")
                .help("The last applied resolved timestamp as unix seconds").labelNames(labels).register(registry);
        lag = Gauge.builder().withoutExemplars().name("resolve_lag_seconds")
                .help("Now minus the last applied resolved timestamp").labelNames(labels).register(registry);
    }

    /** Starts the bootstrap scan (now and every {@code scanInterval}) and accepts {@link #wake} calls. */
    public void start() {
        synchronized (lifecycle) {
            if (running || loopExecutor != null) {
                throw new IllegalStateException("resolver service already started");
            }
            running = true;
            // Twice a drain batch: windows vary in size around what a changefeed resolves, and one just over a batch
            // should still be read ahead; memory stays bounded by two batches per schema.
            readAhead = new ReadAhead(pools, stager, applier, timestamps, 2 * config.drainBatchSize());
            loopExecutor = Executors.newCachedThreadPool(threads("cdc-sink-resolver"));
            scanner = Executors.newSingleThreadScheduledExecutor(threads("cdc-sink-resolver-scan"));
            scanner.scheduleWithFixedDelay(this::scan, 0, config.scanInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * There may be a new window for the schema: make sure its loop exists and let it look now. Ignored before
     * {@link #start} and after {@link #close}.
     */
    @Override
    public void wake(SchemaName schema) {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            loops.computeIfAbsent(schema, this::startLoop).wake();
        }
    }

    /** Stops every loop and the scan, and waits for their threads. */
    @Override
    public void close() {
        ExecutorService executor;
        ScheduledExecutorService scan;
        synchronized (lifecycle) {
            running = false;
            loops.values().forEach(Loop::wake);
            executor = loopExecutor;
            scan = scanner;
        }
        if (executor == null) {
            return;
        }
        scan.shutdownNow();
        executor.shutdown();
        try {
            if (!scan.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    || !executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("resolver loops did not stop within {}; interrupting them", Durations.text(CLOSE_TIMEOUT));
                executor.shutdownNow();
                executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            readAhead.close();
        }
    }

    /**
     * Applies the oldest unapplied window of the schema in one transaction, if there is one and no other instance
     * is applying the schema right now.
     *
     * @return the applied window; empty when there was nothing to apply or another instance holds the schema
     */
    public Optional<WindowResult> applyNextWindow(SchemaName schema) throws SQLException {
        try (Connection tx = pools.forDatabase(schema.database()).getConnection()) {
            return attempt(tx, schema, false).window();
        }
    }

    /**
     * One window in one transaction on the connection, which is left open for the next attempt. With
     * {@code readingAhead} (the loops), the window may come read ahead and the next one is read meanwhile.
     */
    private Attempt attempt(Connection tx, SchemaName schema, boolean readingAhead) throws SQLException {
        timestamps.prepare(schema.database());
        String[] labels = {schema.database(), schema.schema()};
        long start = System.nanoTime();
        tx.setAutoCommit(false);
        try {
            ResolvedTimestamps.Claim claim = timestamps.claimOldest(tx, schema);
            if (claim.blocked() || claim.oldest().isEmpty()) {
                updateLag(tx, schema, labels);
                tx.rollback();
                return new Attempt(claim.blocked() ? Status.BLOCKED : Status.NO_WORK, Optional.empty());
            }
            Hlc resolved = claim.oldest().get();
            List<TableName> tables = stager.stagedTables(tx, schema);
            Optional<ReadAhead.Window> ready = Optional.empty();
            ReadAhead ahead = readAhead;
            if (readingAhead && ahead != null) {
                ready = ahead.take(schema, timestamps.lastApplied(tx, schema), resolved)
                        .filter(w -> w.tables().equals(tables));
                ahead.start(schema, resolved);
            }
            ApplyOrder order = applier.order(schema.database(), tables);
            if (order.deferConstraints()) {
                JsonApplier.deferConstraints(tx);
            }
            long count = 0;
            Map<TableName, ApplyResult> applied = new HashMap<>();
            // What an UPSERTS step leaves for its table's DELETES step; one mutation per key, so they can be split.
            Map<TableName, List<Mutation>> heldDeletes = new HashMap<>();
            for (ApplyOrder.Step step : order.steps()) {
                TableName table = step.table();
                try {
                    if (step.part() == ApplyOrder.Part.DELETES) {
                        List<Mutation> deletes = heldDeletes.getOrDefault(table, List.of());
                        int chunk = step.selfReferencing() ? Math.max(1, deletes.size()) : config.drainBatchSize();
                        for (int i = 0; i < deletes.size(); i += chunk) {
                            applied.merge(table, applier.apply(tx, table,
                                    deletes.subList(i, Math.min(deletes.size(), i + chunk))), ApplyResult::plus);
                        }
                        continue;
                    }
                    if (ready.isPresent()) {
                        Stager.Peeked peeked = ready.get().peeked().get(table);
                        if (!peeked.mutations().isEmpty()) {
                            if (step.part() == ApplyOrder.Part.ALL) {
                                applied.merge(table, applier.applyPrepared(tx, table,
                                        List.of(ready.get().prepared().get(table))), ApplyResult::plus);
                            } else {
                                applied.merge(table, applyUpserts(tx, table, peeked.mutations(), heldDeletes),
                                        ApplyResult::plus);
                            }
                        }
                        stager.discard(tx, table, peeked);
                        count += peeked.mutations().size();
                    } else if (step.part() == ApplyOrder.Part.ALL) {
                        count += stager.drain(tx, table, resolved, config.drainBatchSize(),
                                batch -> applied.merge(table, applier.apply(tx, table, batch), ApplyResult::plus));
                    } else if (step.selfReferencing()) {
                        // The table's rows are ordered among themselves: all of the window's in one call.
                        List<Mutation> all = new ArrayList<>();
                        count += stager.drain(tx, table, resolved, config.drainBatchSize(), all::addAll);
                        applied.merge(table, applyUpserts(tx, table, all, heldDeletes), ApplyResult::plus);
                    } else {
                        count += stager.drain(tx, table, resolved, config.drainBatchSize(),
                                batch -> applied.merge(table, applyUpserts(tx, table, batch, heldDeletes),
                                        ApplyResult::plus));
                    }
                } catch (SQLException | RuntimeException e) {
                    recorder.tableFailed(table, String.valueOf(e.getMessage()));
                    throw e;
                }
            }
            timestamps.recordApplied(tx, schema, resolved);
            tx.commit();
            applied.forEach((t, r) -> recorder.applied(t, ReplicationRecorder.Mode.CONSISTENT, r));
            recorder.resolved(schema, resolved);
            windowsApplied.labelValues(labels).inc();
            if (ready.isPresent()) {
                windowsReadAhead.labelValues(labels).inc();
            }
            mutationsApplied.labelValues(labels).inc(count);
            applyDuration.labelValues(labels).observe((System.nanoTime() - start) / 1e9);
            lastResolved.labelValues(labels).set(seconds(resolved));
            lag.labelValues(labels).set(lagSeconds(resolved));
            log.debug("applied window {} of {}: {} mutations", resolved, schema, count);
            return new Attempt(Status.APPLIED, Optional.of(new WindowResult(schema, resolved, count)));
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    /**
     * Applies the upserts among a window's mutations of a referenced table and keeps its deletes for the window's
     * DELETES step, which comes after the tables referencing it ({@link ApplyOrder}).
     */
    private ApplyResult applyUpserts(Connection tx, TableName table, List<Mutation> mutations,
                                     Map<TableName, List<Mutation>> heldDeletes) throws SQLException {
        List<Mutation> upserts = new ArrayList<>(mutations.size());
        for (Mutation m : mutations) {
            if (m.data().isEmpty()) {
                heldDeletes.computeIfAbsent(table, t -> new ArrayList<>()).add(m);
            } else {
                upserts.add(m);
            }
        }
        return applier.apply(tx, table, upserts);
    }

    private void updateLag(Connection tx, SchemaName schema, String[] labels) {
        // A failed statement would abort the transaction, but this is the last one before rollback.
        try {
            Optional<Hlc> applied = timestamps.lastApplied(tx, schema);
            if (applied.isPresent()) {
                // Possibly applied by another instance: still the schema's watermark.
                recorder.resolved(schema, applied.get());
                lastResolved.labelValues(labels).set(seconds(applied.get()));
                lag.labelValues(labels).set(lagSeconds(applied.get()));
            }
        } catch (SQLException e) {
            log.debug("could not read the last applied timestamp of {}", schema, e);
        }
    }

    private static double seconds(Hlc time) {
        return time.nanos() / 1e9;
    }

    private static double lagSeconds(Hlc time) {
        return Math.max(0, System.currentTimeMillis() / 1e3 - seconds(time));
    }

    /** Ensures a loop for every schema with unapplied windows in any target database. */
    private void scan() {
        List<String> databases;
        try {
            databases = new ArrayList<>(pools.databases());
        } catch (RuntimeException e) {
            log.warn("could not list target databases to find pending resolved timestamps", e);
            return;
        }
        for (String database : databases) {
            if (!running) {
                return;
            }
            try {
                for (SchemaName schema : timestamps.schemasWithPendingWork(database)) {
                    wake(schema);
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("could not look for pending resolved timestamps in database {}", database, e);
            }
        }
    }

    private Loop startLoop(SchemaName schema) {
        Loop loop = new Loop(schema);
        loopExecutor.execute(loop);
        log.info("started resolver loop for {}", schema);
        return loop;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Applies the windows of one schema, one after the other, until the service closes. */
    private final class Loop implements Runnable {
        private final SchemaName schema;
        private final Object monitor = new Object();
        private boolean woken;
        /** When the last WARN of a failure was logged (0: never), and the failures logged at DEBUG since. */
        private long lastWarn;
        private int quietFailures;

        /** What waits when a window cannot be applied ({@link ReplicationRecorder#blocked}). */
        private final String scope;

        Loop(SchemaName schema) {
            this.schema = schema;
            this.scope = "schema " + schema;
        }

        void wake() {
            synchronized (monitor) {
                woken = true;
                monitor.notifyAll();
            }
        }

        @Override
        public void run() {
            Duration backoff = MIN_BACKOFF;
            // Kept while windows follow each other, so a backlog does not pay for a connection per window; given
            // back to the pool when idle or after an error.
            Connection conn = null;
            while (running) {
                synchronized (monitor) {
                    woken = false;
                }
                try {
                    if (conn == null) {
                        conn = pools.forDatabase(schema.database()).getConnection();
                    }
                    Attempt attempt = attempt(conn, schema, true);
                    backoff = MIN_BACKOFF;
                    if (attempt.status() == Status.APPLIED) {
                        recorder.cleared(scope);
                    }
                    if (attempt.status() == Status.APPLIED) {
                        continue; // a backlog drains at full speed, empty windows included
                    }
                    conn = release(conn);
                    pause(config.idleWait(), true);
                } catch (Exception e) {
                    conn = release(conn);
                    errors.labelValues(schema.database(), schema.schema()).inc();
                    recorder.schemaFailed(schema, ReplicationRecorder.Mode.CONSISTENT, String.valueOf(e.getMessage()));
                    Optional<Blockage> blockage = BlockedException.in(e);
                    if (blockage.isPresent()) {
                        // Logged once, as an ERROR, by the recorder, and shown on /_/healthz from there.
                        recorder.blocked(scope, blockage.get());
                        log.debug("the next resolved window of {} waits; will retry in {}", schema, backoff, e);
                        // A refused row stays refused whatever arrives: only the backoff ends this pause.
                        pause(backoff, false);
                    } else {
                        warn(e, backoff);
                        pauseAfterFailure(backoff);
                    }
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                            : backoff.multipliedBy(2);
                }
            }
            release(conn);
            log.debug("resolver loop for {} stopped", schema);
        }

        private Connection release(Connection conn) {
            if (conn != null) {
                try {
                    conn.close();
                } catch (SQLException e) {
                    log.debug("could not close a connection to {}", schema.database(), e);
                }
            }
            return null;
        }

        /**
         * At most one WARN per {@link #WARN_INTERVAL} and loop: a failing window is retried at every wake (each new
         * resolved timestamp), which would otherwise log a line each time. The lines left out are counted in the next.
         */
        private void warn(Exception e, Duration backoff) {
            long now = System.nanoTime();
            if (lastWarn != 0 && now - lastWarn < WARN_INTERVAL.toNanos()) {
                quietFailures++;
                log.debug("could not apply the next resolved window of {}", schema, e);
                return;
            }
            String more = quietFailures == 0 ? "" : " (" + quietFailures + " more failures since the last warning)";
            lastWarn = now;
            quietFailures = 0;
            if (e instanceof CdcSinkException) {
                // cdc-sink's own failures say what happened; the trace is for -v.
                log.warn("could not apply the next resolved window of {}: {}; will retry within {}{}", schema,
                        e.getMessage(), Durations.text(backoff), more);
                log.debug("the resolved window of {} failed", schema, e);
            } else {
                log.warn("could not apply the next resolved window of {}; will retry within {}{}", schema,
                        Durations.text(backoff), more, e);
            }
        }

        /**
         * The pause after a failure that is not a refused row: up to {@code backoff}, cut short by a new resolved
         * timestamp ({@link #wake}) or, when the target database was unreachable, by the first successful health
         * check of it (one every {@link #HEALTH_INTERVAL}): a target that comes back is used at once rather than
         * after a backoff of up to {@link #MAX_BACKOFF}. A target that answers the health check at the start failed
         * for another reason, which its return cannot fix: then only the backoff and wakes end the pause.
         */
        private void pauseAfterFailure(Duration backoff) {
            long deadline = System.nanoTime() + backoff.toNanos();
            if (reachable()) {
                pause(backoff, true);
                return;
            }
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || pause(Duration.ofNanos(Math.min(left, HEALTH_INTERVAL.toNanos())), true)
                        || reachable()) {
                    return;
                }
            }
        }

        /** Whether a connection to the schema's database can be had and answers now: the loop's health check. */
        private boolean reachable() {
            try (Connection c = pools.forDatabase(schema.database()).getConnection()) {
                return c.isValid((int) HEALTH_INTERVAL.toSeconds() + 1);
            } catch (SQLException | RuntimeException e) {
                log.debug("health check of {} failed: {}", schema.database(), e.getMessage());
                return false;
            }
        }

        /**
         * Waits for the time, for close and, when wakeable, for a wake that arrived since the last attempt. Returns
         * whether a wake ended it.
         */
        private boolean pause(Duration time, boolean wakeable) {
            long deadline = System.nanoTime() + time.toNanos();
            synchronized (monitor) {
                while (running && !(wakeable && woken)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(monitor, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return wakeable && woken;
            }
        }
    }
}
