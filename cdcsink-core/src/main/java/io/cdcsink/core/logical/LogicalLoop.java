package io.cdcsink.core.logical;

import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.Durations;
import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.SnapshotSource;
import io.cdcsink.api.Source;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Loads;
import io.cdcsink.engine.Positions;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.core.Reloader;
import io.cdcsink.core.status.ReplicationStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication loop shared by the logical sources ({@code pglogical}, {@code mylogical}). Each attempt loads the
 * stored position, lets the {@link LogicalDialect} stream from there on a reader thread, and applies what it reports
 * on this loop's thread: whole transactions ({@link SerialApplier}) in consistent mode, fanned out
 * ({@link FanApplier}) in immediate mode and while backfilling. Any failure of the source or the target ends the
 * attempt; the next one starts from the stored position after a capped exponential {@link Backoff} (first
 * {@code --retryDelay}, doubling up to 30 s, back to {@code --retryDelay} once healthy), so nothing is lost and
 * nothing is applied twice in a way that changes the result.
 */
public final class LogicalLoop implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalLoop.class);
    /** How long the loop waits for a reader that abandoned a transaction to end and say why. */
    private static final long READER_STOP_MILLIS = 5_000;
    /**
     * How long {@link #close()} lets the loop apply the source transactions it already holds and record its position
     * before interrupting it: a stop under load then leaves nothing committed unapplied; only a loop stuck on the
     * target (a lock, an unreachable server) is cut short, which loses nothing either, the stream resuming from the
     * recorded position.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final LogicalDialect dialect;
    private final LogicalConfig config;
    private final TargetPools pools;
    private final Applier applier;
    private final SchemaCatalog catalog;
    private final Positions stored;
    private final Reloader reloader;
    private final LogicalMetrics metrics;
    private final Durability durability;
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final Backoff backoff;
    private final ReplicationStatus status;
    private final String scope;
    /** Set while blocked; the blockage is over once the durable position moved past where it was then. */
    private volatile Waiting waiting;
    private volatile boolean stopping;
    /** Counted down by {@link #close()}: ends the pause between two attempts at once. */
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean backfilling;
    private final Loads loads;
    private Thread thread;
    private PositionStore positions;
    private volatile SnapshotLoader loader;

    @Inject
    public LogicalLoop(LogicalDialect dialect, LogicalConfig config, TargetPools pools, Applier applier,
                       SchemaCatalog catalog, Positions stored, Reloader reloader, PrometheusRegistry registry,
                       ReplicationStatus status, Loads loads) {
        this.dialect = dialect;
        this.config = config;
        this.pools = pools;
        this.applier = applier.withSchemaEvolution(config.schemaEvolution());
        this.catalog = catalog;
        this.stored = stored;
        this.reloader = reloader;
        this.metrics = new LogicalMetrics(registry, config.loopName(), status, config.immediate());
        this.durability = new Durability(metrics);
        this.backoff = new Backoff(config.retryDelay(), Backoff.DEFAULT_CAP);
        this.status = status;
        this.scope = "loop " + config.loopName();
        this.loads = loads;
    }

    /** Checks the source and prepares the target, then starts replicating on a thread of its own. */
    @Override
    public void start() throws Exception {
        config.requirePool(pools.maxConnections());
        dialect.preflight();
        DataSource pool = pools.forDatabase(config.targetDatabase());
        positions = new PositionStore(stored, config.targetDatabase(), config.loopName());
        positions.ensure();
        reloader.prepare(config.targetDatabase());
        loads.prepare(config.targetDatabase());
        if (config.snapshot().any()) {
            SnapshotSource snapshots = dialect.snapshots().orElseThrow(() -> new IllegalArgumentException(
                    "--snapshot and --snapshotTables: this source cannot take snapshots"));
            loader = new SnapshotLoader(snapshots, config, pool, pools.dialect(), applier, loads, stored, catalog,
                    status.loop(config.loopName()));
            loader.start(positions.load());
        } else {
            if (loads.load(config.targetDatabase(), config.loopName()).filter(l -> l.finished().isEmpty())
                    .isPresent()) {
                throw new IllegalArgumentException("loop " + config.loopName() + " has an unfinished snapshot load;"
                        + " start it with --snapshot initial (or --snapshotTables) to finish it");
            }
        }
        thread = new Thread(this::run, config.loopName());
        thread.start();
    }

    /** The newest position durable in the target. */
    public Optional<LogicalPosition> durablePosition() {
        return durability.position();
    }

    /** True while applying in backfill (fan) mode. */
    public boolean backfilling() {
        return backfilling;
    }

    @Override
    public Optional<String> problem() {
        String p = problem.get();
        SnapshotLoader l = loader;
        return p != null || l == null ? Optional.ofNullable(p) : l.problem();
    }

    /**
     * A table the target lacks, on MySQL, may be a database the target lacks: the schema part of the table's name
     * names a MySQL database there (mylogical's {@code --targetSchema}, pglogical's source schema), and the
     * {@code CREATE TABLE} the blockage suggests would fail without it. Says so, with the statement that creates it.
     */
    private Blockage explained(Blockage b) {
        TargetDialect target = pools.dialect();
        if (b.kind() != Blockage.Kind.SCHEMA_CHANGE || b.table().isEmpty()
                || target.product() != TargetDialect.Product.MYSQL) {
            return b;
        }
        TableName table = b.table().get();
        try (Connection c = pools.forDatabase(config.targetDatabase()).getConnection()) {
            target.requireSchema(c, table.schemaName());
            return b;
        } catch (BadInputException missing) {
            return new Blockage(b.kind(), b.table(), b.key(), b.reason() + ", and the target server has no database "
                    + target.quote(table.schema()) + " (on MySQL the schema part names the database that holds the"
                    + " table: mylogical's --targetSchema, pglogical's source schema)", Optional.of("CREATE DATABASE "
                    + target.quote(table.schema()) + b.fix().map(f -> "; " + f).orElse("")));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not look up the database of {}", table, e);
            return b;
        }
    }

    private void run() {
        while (!stopping) {
            try {
                attempt();
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (stopping) {
                    break;
                }
                String failure = "replication loop " + config.loopName() + " failed: " + e.getMessage();
                metrics.retry(failure);
                Duration wait = backoff.next();
                Optional<Blockage> blockage = BlockedException.in(e);
                if (blockage.isPresent()) {
                    // Logged once, as an ERROR, by the status; it is on /_/healthz from there.
                    waiting = new Waiting(durability.position());
                    status.blocked(scope, explained(blockage.get()));
                    problem.set(null);
                    LOG.debug("replication loop {} waits; retrying in {}", config.loopName(), Durations.text(wait),
                            e);
                } else if (e instanceof CdcSinkException) {
                    // cdc-sink's own failures say what happened; the trace is for -v.
                    problem.set(failure);
                    LOG.warn("error in replication loop {}: {}; retrying in {}", config.loopName(), e.getMessage(),
                            Durations.text(wait));
                    LOG.debug("replication loop {} failed", config.loopName(), e);
                } else {
                    problem.set(failure);
                    LOG.warn("error in replication loop {}; retrying in {}", config.loopName(), Durations.text(wait),
                            e);
                }
                try {
                    if (stopRequested.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        LOG.info("replication loop {} stopped", config.loopName());
    }

    /** One connection to the source: returns normally when the loop should start over at once (mode switch). */
    private void attempt() throws Exception {
        if (loader != null && loader.initialRunning()) {
            LOG.info("loop {}: the stream starts once the initial load has finished", config.loopName());
            while (loader.initialRunning() && !stopping) {
                Thread.sleep(200);
            }
            if (stopping) {
                return;
            }
        }
        Optional<LogicalPosition> from = positions.load().or(dialect::defaultPosition);
        durability.restart(from);
        boolean backfill = !config.immediate() && !config.backfillWindow().isZero()
                && from.map(p -> p.commitTime().isBefore(Instant.now().minus(config.backfillWindow())))
                .orElse(true);
        backfilling = backfill;
        metrics.backfill(backfill);
        if (backfill) {
            LOG.info("loop {}: using backfill strategy from {} (window {})", config.loopName(),
                    from.map(LogicalPosition::toString).orElse("the source's start"),
                    Durations.text(config.backfillWindow()));
        } else {
            LOG.info("loop {}: {} replication from {}", config.loopName(),
                    config.immediate() ? "immediate" : "consistent",
                    from.map(LogicalPosition::toString).orElse("the source's start"));
        }
        InFlight inFlight = new InFlight(config.bytesInFlight(), metrics::backpressureWait);
        EventQueue queue = new EventQueue(inFlight, durability.positionRef(), durability.txnRef(),
                durability.txnRef().get());
        AtomicReference<Throwable> readerError = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                dialect.stream(from, queue);
                readerError.set(new IllegalStateException("the source stream ended"));
            } catch (InterruptedException e) {
                readerError.set(e);
            } catch (Throwable e) {
                readerError.set(e);
            }
        }, config.loopName() + "-reader");
        reader.setDaemon(true);
        ApplyContext ctx = new ApplyContext(pools.forDatabase(config.targetDatabase()), applier, pools.dialect(),
                positions, durability, queue, metrics, config, catalog);
        ApplyMode mode = backfill || config.immediate() ? new FanApplier(ctx) : new SerialApplier(ctx);
        reader.start();
        try {
            consume(queue, mode, backfill, reader, readerError, inFlight);
        } finally {
            reader.interrupt();
            mode.close();
            reader.join(30_000);
            backfilling = false;
            metrics.backfill(false);
        }
    }

    private void consume(EventQueue queue, ApplyMode mode, boolean backfill, Thread reader,
                         AtomicReference<Throwable> readerError, InFlight inFlight) throws Exception {
        while (!stopping) {
            SourceEvent e = queue.poll(mode.waitMillis());
            metrics.bytesInFlight(inFlight.used());
            if (e == null) {
                if (!reader.isAlive() && queue.isEmpty()) {
                    mode.finish();
                    Throwable t = readerError.get();
                    if (t instanceof Exception ex) {
                        throw ex;
                    }
                    throw new IllegalStateException("source reader failed", t);
                }
                mode.idle();
                healthy(queue);
                continue;
            }
            if (e instanceof SourceEvent.Row r) {
                awaitCopied(r.table());
                if (stopping) {
                    break;
                }
                mode.row(r);
            } else if (e instanceof SourceEvent.Truncate t) {
                mode.truncate(t);
            } else if (e instanceof SourceEvent.Commit c) {
                mode.commit(c);
                healthy(queue);
                if (backfill && !c.position().commitTime()
                        .isBefore(Instant.now().minus(config.backfillWindow()))) {
                    mode.finish();
                    LOG.info("loop {}: backfill has caught up at {}; switching to consistent mode",
                            config.loopName(), c.position());
                    return;
                }
            } else {
                // Committed transactions before the abandoned one are complete: keep them, then start over.
                mode.finish();
                // A dialect abandons a transaction when its stream failed in the middle of one: that failure is the
                // attempt's, so it is reported and retried after the usual delay, not at once and unseen.
                reader.join(READER_STOP_MILLIS);
                Throwable t = readerError.get();
                if (t instanceof Exception ex && !(t instanceof InterruptedException)) {
                    throw ex;
                }
                LOG.info("loop {}: the source abandoned a transaction; restarting from {}", config.loopName(),
                        durability.position().map(LogicalPosition::toString).orElse("the source's start"));
                return;
            }
        }
        // Stopping: apply and record what was committed at the source; the open transaction is rolled back (close).
        mode.finish();
        LOG.info("loop {}: stopped at {}", config.loopName(),
                durability.position().map(LogicalPosition::toString).orElse("the source's start"));
    }

    /** Waits while the table is being copied from a snapshot: its changes apply on top of the copy. */
    private void awaitCopied(TableName table) throws InterruptedException {
        if (loader == null || !loader.copying(table)) {
            return;
        }
        LOG.info("loop {}: waiting for the copy of {}.{} before applying its changes", config.loopName(),
                table.schema(), table.table());
        while (loader.copying(table) && !stopping) {
            Thread.sleep(200);
        }
    }

    private void healthy(EventQueue queue) {
        problem.set(null);
        Waiting was = waiting;
        if (was != null && !durability.position().equals(was.at())) {
            waiting = null;
            status.cleared(scope);
        }
        backoff.reset();
        durability.position().ifPresent(p -> metrics.lagSince(p.commitTime(), queue.caughtUp()));
    }

    /** The durable position when the loop was found blocked. */
    private record Waiting(Optional<LogicalPosition> at) {
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        stopRequested.countDown();
        if (loader != null) {
            loader.close();
        }
        if (thread != null) {
            thread.join(STOP_GRACE.toMillis());
            if (thread.isAlive()) {
                LOG.warn("replication loop {} did not stop within {}; interrupting it", config.loopName(),
                        Durations.text(STOP_GRACE));
                thread.interrupt();
                thread.join(Duration.ofSeconds(60).toMillis());
            }
        }
    }
}
