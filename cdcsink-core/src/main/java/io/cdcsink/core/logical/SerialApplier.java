package io.cdcsink.core.logical;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent mode: source transactions are applied whole, in commit order, each inside one target transaction that
 * also stores the source position, so the target never shows half a source transaction and a position is durable
 * exactly when its data is.
 *
 * <p>Rows are written into the open target transaction in batches as they arrive, so a huge source transaction
 * needs no more memory than one batch. Several small source transactions that arrive back to back are coalesced
 * into one target transaction (up to {@link #COALESCE_ROWS} rows or {@link #COALESCE_TIME}); a source transaction
 * is never split across target transactions.
 *
 * <p>After a source commit the target transaction stays open for up to {@link #GROUP_WAIT_MILLIS} in case the next
 * source transaction follows (group commit). Without that wait an applier that keeps up with a stream of small
 * source transactions commits one target transaction per source transaction: a commit and three more round trips
 * per row, which on a busy machine also starves the reader.
 */
final class SerialApplier implements ApplyMode {
    /**
     * Rows per apply call, so per COPY on PostgreSQL: the server spends less per row on bigger COPYs (about 6 µs
     * per row at 1,000 rows, 4.8 at 2,000, 3–4 at 5,000 or more), and 200,000 rows took 0.58 s in 2,000-row COPYs
     * against 0.47 s in 5,000-row ones (PostgreSQL 17, by hand).
     */
    static final int FLUSH_ROWS = 5000;
    static final int COALESCE_ROWS = 10_000;
    static final Duration COALESCE_TIME = Duration.ofMillis(100);
    static final long GROUP_WAIT_MILLIS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(SerialApplier.class);

    private final ApplyContext ctx;
    private final long flushBytes;

    private final Map<TableName, List<RowChange>> buffer = new LinkedHashMap<>();
    /** What the open target transaction applied per table, reported once it commits. */
    private final Map<TableName, ApplyResult> appliedInTx = new HashMap<>();
    private int bufferedRows;
    private long bufferedBytes;
    private Connection tx;
    private long txStartNanos;
    private long rowsInTx;
    private SourceEvent.Commit pending;
    private long commitsInTx;
    private boolean rowsAfterPending;
    private long applyNanos;

    SerialApplier(ApplyContext ctx) {
        this.ctx = ctx;
        this.flushBytes = Math.max(1, ctx.config().bytesInFlight() / 2);
    }

    @Override
    public void row(SourceEvent.Row row) throws SQLException {
        if (pending != null && !rowsAfterPending && coalescedEnough()) {
            commitTx();
        }
        open();
        if (pending != null) {
            rowsAfterPending = true;
        }
        buffer.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row.change());
        bufferedRows++;
        bufferedBytes += row.bytes();
        if (bufferedRows >= FLUSH_ROWS || bufferedBytes >= flushBytes) {
            flush();
        }
    }

    @Override
    public void truncate(SourceEvent.Truncate truncate) throws SQLException {
        open();
        if (pending != null) {
            rowsAfterPending = true;
        }
        flush();
        TargetTx.truncate(tx, ctx.dialect(), truncate.table());
        ctx.queue().release(truncate);
    }

    @Override
    public void commit(SourceEvent.Commit commit) throws SQLException {
        ctx.queue().release(commit);
        open();
        pending = commit;
        rowsAfterPending = false;
        commitsInTx++;
        if (coalescedEnough()) {
            commitTx();
        }
    }

    /** Briefly while a committed source transaction waits for company, else the loop's usual idle wait. */
    @Override
    public long waitMillis() {
        return pending != null && !rowsAfterPending ? GROUP_WAIT_MILLIS : IDLE_MILLIS;
    }

    @Override
    public void idle() throws SQLException {
        if (pending != null && !rowsAfterPending) {
            commitTx();
        }
    }

    @Override
    public void finish() throws SQLException {
        idle();
    }

    private boolean coalescedEnough() {
        return rowsInTx + bufferedRows >= COALESCE_ROWS || System.nanoTime() - txStartNanos >= COALESCE_TIME.toNanos();
    }

    private void open() throws SQLException {
        if (tx != null) {
            return;
        }
        Connection c = ctx.pool().getConnection();
        try {
            TargetTx.begin(c, ctx.config().applyTimeout());
        } catch (SQLException | RuntimeException e) {
            TargetTx.close(c);
            throw e;
        }
        tx = c;
        txStartNanos = System.nanoTime();
    }

    private void flush() throws SQLException {
        if (bufferedRows == 0) {
            return;
        }
        long t0 = System.nanoTime();
        long n = TargetTx.apply(tx, ctx.applier(), buffer, appliedInTx);
        applyNanos += System.nanoTime() - t0;
        rowsInTx += n;
        buffer.clear();
        ctx.queue().releaseBytes(bufferedBytes);
        bufferedRows = 0;
        bufferedBytes = 0;
    }

    private void commitTx() throws SQLException {
        flush();
        ctx.positions().save(tx, pending.position());
        tx.commit();
        TargetTx.close(tx);
        tx = null;
        ctx.metrics().applied(rowsInTx, appliedInTx, ReplicationRecorder.Mode.CONSISTENT);
        appliedInTx.clear();
        ctx.durability().advance(pending.txn(), pending.position(), commitsInTx);
        if (LOG.isDebugEnabled()) {
            LOG.debug("committed {} source transaction(s), {} row(s) in {} ms ({} ms applying), up to {}",
                    commitsInTx, rowsInTx, (System.nanoTime() - txStartNanos) / 1_000_000, applyNanos / 1_000_000,
                    pending.position());
        }
        applyNanos = 0;
        pending = null;
        commitsInTx = 0;
        rowsInTx = 0;
    }

    @Override
    public void close() {
        buffer.clear();
        appliedInTx.clear();
        if (tx == null) {
            return;
        }
        try {
            tx.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
        try {
            TargetTx.close(tx);
        } catch (SQLException e) {
            LOG.debug("close failed", e);
        }
        tx = null;
    }
}
