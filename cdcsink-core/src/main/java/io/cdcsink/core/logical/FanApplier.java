package io.cdcsink.core.logical;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.TableName;
import io.cdcsink.core.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immediate and backfill modes: rows are spread over {@code --fanShards} shards by a deterministic hash of table and
 * key, so all changes of one row go through one shard in source order; each shard applies batches on its own
 * connection, one target transaction per batch, without waiting for source transaction boundaries. Tables linked by
 * foreign keys share one shard, so their rows keep the source's order among each other.
 *
 * <p>A source position becomes durable once every row of its transaction and of all earlier ones is applied: the
 * consistent transaction is the newest committed one older than the oldest row still queued in any shard. It is
 * stored at most every {@code --standbyTimeout} (and whenever the shards run dry), on its own.
 *
 * <p>Each shard keeps its connection from batch to batch ({@link HeldConnection}) and returns it after
 * {@link #RELEASE_IDLE_MILLIS} without rows, so the pool needs more connections than there are shards
 * ({@code --targetDBConns} above {@code --fanShards}, checked at start): the loop itself needs one to store positions.
 */
final class FanApplier implements ApplyMode {
    /**
     * Rows per batch, so per target transaction and COPY: 200,000 rows took 0.73 s in 1,000-row COPYs each in its own
     * transaction, and 0.47 s in 5,000-row ones (PostgreSQL 17, by hand). Shards that would hold more than half of
     * {@code --bytesInFlight} apply what they have instead of waiting for a full batch.
     */
    static final int BATCH_ROWS = 5000;
    /**
     * How long a shard waits for a batch to fill once it has rows, while the loop keeps up with its source. Without
     * it a shard that keeps up applies a transaction per handful of rows, and on a busy machine the per-transaction
     * work starves the reader, which keeps the batches small.
     */
    static final long MIN_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The longest a shard waits for a batch to fill, however far behind the loop is. */
    static final long MAX_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** A shard without rows for this long returns its connection to the pool. */
    static final long RELEASE_IDLE_MILLIS = 1_000;
    /** A shard returns its connection at least this often, so the pool can still retire connections. */
    static final Duration MAX_HOLD = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(FanApplier.class);

    private final ApplyContext ctx;
    private final Shard[] shards;
    private final List<Thread> workers = new ArrayList<>();
    private final AppliedCommits commits = new AppliedCommits();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** Shards take their connections from the pool one at a time ({@link HeldConnection}). */
    private final Lock takingConnections = new ReentrantLock();
    /** Only the loop's thread dispatches rows, so a plain map. */
    private final Map<TableName, Route> routes = new HashMap<>();
    private final ReplicationRecorder.Mode mode;
    private long lastStoreNanos = System.nanoTime();
    /** How far the newest dispatched source commit was behind the clock when it was dispatched. */
    private volatile long behindNanos;

    FanApplier(ApplyContext ctx) {
        this.ctx = ctx;
        LogicalConfig config = ctx.config();
        this.mode = config.immediate() ? ReplicationRecorder.Mode.IMMEDIATE : ReplicationRecorder.Mode.BACKFILL;
        this.shards = new Shard[config.fanShards()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
            Thread t = new Thread(shards[i], config.loopName() + "-fan-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /**
     * The shard of a row: stable for a table and key, whatever the process (the hashes of the table's name and of
     * the key's values, {@link io.cdcsink.api.SourceRow#keyHash}, modulo the shard count). The rows of tables linked
     * by foreign keys (a {@link io.cdcsink.engine.ForeignKeyGraph#group}) all go to the shard of their group, so
     * they are applied in source order on one path, and each batch in foreign-key order: the target's constraints
     * hold as they are. The table's part is worked out once per table, not once per row.
     */
    private int shardOf(TableName table, io.cdcsink.api.SourceRow row) {
        Route route = routes.computeIfAbsent(table, this::route);
        return route.whole() ? Math.floorMod(route.hash(), shards.length)
                : Math.floorMod(31 * (31 + route.hash()) + row.keyHash(), shards.length);
    }

    private Route route(TableName table) {
        return ctx.catalog().foreignKeys(table.database()).group(table)
                .map(group -> new Route(group.toString().hashCode(), true))
                .orElseGet(() -> new Route(table.toString().hashCode(), false));
    }

    /** How a table's rows are spread: by key, or {@code whole} to the shard of its foreign-key group. */
    private record Route(int hash, boolean whole) {
    }

    @Override
    public void row(SourceEvent.Row row) throws SQLException, InterruptedException {
        checkFailure();
        if (row.change().movedFrom().isPresent()) {
            move(row);
            return;
        }
        shards[shardOf(row.table(), row.change().row())].add(row);
    }

    /**
     * A row given a new key touches two keys, so two shards, and takes the values it leaves out from the target's
     * row under the old key: it is applied on its own once every earlier row is, before any later one.
     */
    private void move(SourceEvent.Row row) throws SQLException, InterruptedException {
        awaitDrained();
        Map<TableName, ApplyResult> applied = new HashMap<>();
        Connection c = ctx.pool().getConnection();
        try {
            TargetTx.begin(c, ctx.config().applyTimeout());
            TargetTx.apply(c, ctx.applier(), Map.of(row.table(), List.of(row.change())), applied);
            c.commit();
        } finally {
            TargetTx.close(c);
        }
        ctx.queue().releaseBytes(row.bytes());
        ctx.metrics().applied(1, applied, mode);
    }

    @Override
    public void truncate(SourceEvent.Truncate truncate) throws SQLException, InterruptedException {
        awaitDrained();
        Connection c = ctx.pool().getConnection();
        try {
            TargetTx.begin(c, ctx.config().applyTimeout());
            TargetTx.truncate(c, ctx.dialect(), truncate.table());
            c.commit();
        } finally {
            TargetTx.close(c);
        }
        ctx.queue().release(truncate);
    }

    @Override
    public void commit(SourceEvent.Commit commit) throws SQLException {
        behindNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()
                - commit.position().commitTime().toEpochMilli());
        ctx.queue().release(commit);
        commits.dispatched(commit);
        commits.shardsAt(oldestQueued());
        storeIfDue(false);
    }

    @Override
    public void idle() throws SQLException {
        storeIfDue(drained());
    }

    @Override
    public long waitMillis() {
        return IDLE_MILLIS;
    }

    @Override
    public void finish() throws SQLException, InterruptedException {
        awaitDrained();
        storeIfDue(true);
    }

    /**
     * How long a shard with rows waits for its batch to fill: a tenth of how far the loop is behind its source,
     * within {@link #MIN_LINGER_NANOS} and {@link #MAX_LINGER_NANOS}. A loop that keeps up adds at most 5 ms of lag;
     * one working through a backlog, where a little more lag does not matter, applies nearly full batches, which
     * costs the target and this process far less per row than a transaction per handful of rows.
     */
    static long lingerNanos(long behindNanos) {
        return Math.max(MIN_LINGER_NANOS, Math.min(MAX_LINGER_NANOS, behindNanos / 10));
    }

    private void storeIfDue(boolean now) throws SQLException {
        checkFailure();
        if (!now && System.nanoTime() - lastStoreNanos < ctx.config().standbyTimeout().toNanos()) {
            return;
        }
        lastStoreNanos = System.nanoTime();
        commits.shardsAt(oldestQueued());
        AppliedCommits.Applied applied = commits.newest();
        if (applied == null) {
            return;
        }
        try (Connection conn = ctx.pool().getConnection()) {
            conn.setAutoCommit(true);
            ctx.positions().save(conn, applied.commit().position());
        }
        commits.stored();
        ctx.durability().advance(applied.commit().txn(), applied.commit().position(), applied.transactions());
    }

    /** The transaction of the oldest row still queued in any shard; {@code Long.MAX_VALUE} when none is. */
    private long oldestQueued() {
        long oldest = Long.MAX_VALUE;
        for (Shard s : shards) {
            oldest = Math.min(oldest, s.headTxn);
        }
        return oldest;
    }

    private boolean drained() {
        return oldestQueued() == Long.MAX_VALUE;
    }

    private void awaitDrained() throws SQLException, InterruptedException {
        while (!drained()) {
            checkFailure();
            Thread.sleep(2);
        }
        checkFailure();
    }

    private void checkFailure() throws SQLException {
        Exception e = failure.get();
        if (e instanceof SQLException s) {
            throw s;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
    }

    @Override
    public void close() {
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(30_000);
                if (t.isAlive()) {
                    LOG.warn("fan worker {} did not stop within 30 s", t.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One shard: a FIFO of rows and the worker thread applying it. */
    private final class Shard implements Runnable {
        private final ArrayDeque<SourceEvent.Row> rows = new ArrayDeque<>();
        /** Transaction of the oldest row not yet applied; {@code Long.MAX_VALUE} when empty. */
        private volatile long headTxn = Long.MAX_VALUE;
        /** The worker's target connection, kept from batch to batch while the shard has rows. */
        private final HeldConnection connection = new HeldConnection(ctx.pool(), ctx.config().applyTimeout(),
                MAX_HOLD, takingConnections);

        synchronized void add(SourceEvent.Row row) {
            if (rows.isEmpty()) {
                headTxn = row.txn();
            }
            rows.add(row);
            // The worker waits for a first row, then for a full batch: wake it for those, not for every row.
            if (rows.size() == 1 || rows.size() == BATCH_ROWS) {
                notifyAll();
            }
        }

        /**
         * The next batch, up to {@link #BATCH_ROWS} rows; empty if the shard held a connection and stayed without
         * rows for {@link #RELEASE_IDLE_MILLIS}, so the caller can return it.
         */
        private synchronized List<SourceEvent.Row> next(boolean holding) throws InterruptedException {
            if (rows.isEmpty() && holding) {
                wait(RELEASE_IDLE_MILLIS);
                if (rows.isEmpty()) {
                    return List.of();
                }
            }
            while (rows.isEmpty()) {
                wait();
            }
            // Rows held back count against --bytesInFlight: with the budget half used, waiting for fuller batches
            // would soon stall the reader, so apply what there is.
            long linger = ctx.queue().pressed() ? MIN_LINGER_NANOS : lingerNanos(behindNanos);
            long deadline = System.nanoTime() + linger;
            for (long left = linger; rows.size() < BATCH_ROWS && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            List<SourceEvent.Row> batch = new ArrayList<>(Math.min(rows.size(), BATCH_ROWS));
            for (SourceEvent.Row r : rows) {
                if (batch.size() == BATCH_ROWS) {
                    break;
                }
                batch.add(r);
            }
            return batch;
        }

        private synchronized void done(int n) {
            for (int i = 0; i < n; i++) {
                rows.poll();
            }
            SourceEvent.Row head = rows.peek();
            headTxn = head == null ? Long.MAX_VALUE : head.txn();
        }

        @Override
        public void run() {
            try (connection) {
                while (!Thread.currentThread().isInterrupted()) {
                    List<SourceEvent.Row> batch = next(connection.holding());
                    if (batch.isEmpty()) {
                        connection.close();
                        continue;
                    }
                    Map<TableName, ApplyResult> applied = applyWithRetry(batch);
                    done(batch.size());
                    long bytes = 0;
                    for (SourceEvent.Row r : batch) {
                        bytes += r.bytes();
                    }
                    ctx.queue().releaseBytes(bytes);
                    ctx.metrics().applied(batch.size(), applied, mode);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                failure.compareAndSet(null, e);
                LOG.warn("fan shard {} failed; the loop restarts from the last stored position",
                        Thread.currentThread().getName(), e);
            }
        }

        /** Applies the batch in one target transaction; returns what each table got. */
        private Map<TableName, ApplyResult> applyWithRetry(List<SourceEvent.Row> batch)
                throws SQLException, InterruptedException {
            Map<TableName, List<RowChange>> byTable = new LinkedHashMap<>();
            for (SourceEvent.Row r : batch) {
                byTable.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r.change());
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    Connection c = connection.get();
                    Map<TableName, ApplyResult> applied = new HashMap<>();
                    TargetTx.apply(c, ctx.applier(), byTable, applied);
                    c.commit();
                    return applied;
                } catch (RuntimeException e) {
                    connection.abandon();
                    throw e;
                } catch (SQLException e) {
                    // The next attempt starts on a fresh connection: this one may be broken.
                    connection.abandon();
                    if (attempt >= 5 || !SqlErrors.retryable(e)) {
                        throw e;
                    }
                    Thread.sleep(50L * attempt);
                }
            }
        }
    }
}
