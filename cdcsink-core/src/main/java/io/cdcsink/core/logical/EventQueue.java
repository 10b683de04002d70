package io.cdcsink.core.logical;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hand-off between a dialect's reader thread and the loop's apply thread: the reader side implements
 * {@link LogicalEvents}, numbering transactions and turning rows into {@link Mutation}s whose time is the
 * transaction number (so later transactions win when rows of several are applied together); the apply side polls.
 * Memory is bounded by {@link InFlight}.
 */
final class EventQueue implements LogicalEvents {
    /** What a begin/commit/truncate marker costs in the budget, so a flood of tiny transactions is bounded too. */
    static final long MARKER_BYTES = 64;

    private final LinkedBlockingQueue<SourceEvent> queue = new LinkedBlockingQueue<>();
    private final InFlight inFlight;
    private final AtomicReference<LogicalPosition> durable;
    private final AtomicLong durableTxn;
    private long txn;
    private volatile long lastCommittedTxn;
    private volatile boolean open;

    /**
     * @param durable    the newest durable position, maintained by the apply side
     * @param durableTxn the number of the newest durable transaction, maintained by the apply side
     * @param firstTxn   numbers continue after this one (durable transactions of earlier attempts)
     */
    EventQueue(InFlight inFlight, AtomicReference<LogicalPosition> durable, AtomicLong durableTxn, long firstTxn) {
        this.inFlight = inFlight;
        this.durable = durable;
        this.durableTxn = durableTxn;
        this.txn = firstTxn;
        this.lastCommittedTxn = firstTxn;
    }

    @Override
    public void begin() throws InterruptedException {
        if (open) {
            throw new IllegalStateException("begin() called twice without commit() or rollback()");
        }
        open = true;
        txn++;
    }

    @Override
    public void upsert(TableName table, String keyJson, String rowJson) throws InterruptedException {
        put(table, Mutation.upsert(new Hlc(txn, 0), keyJson, rowJson), keyJson.length() + rowJson.length());
    }

    @Override
    public void delete(TableName table, String keyJson) throws InterruptedException {
        put(table, Mutation.delete(new Hlc(txn, 0), keyJson), keyJson.length());
    }

    private void put(TableName table, Mutation m, long bytes) throws InterruptedException {
        requireOpen();
        inFlight.acquire(bytes);
        queue.add(new SourceEvent.Row(txn, table, m, bytes));
    }

    @Override
    public void truncate(TableName table) throws InterruptedException {
        requireOpen();
        inFlight.acquire(MARKER_BYTES);
        queue.add(new SourceEvent.Truncate(txn, table, MARKER_BYTES));
    }

    @Override
    public void commit(LogicalPosition position) throws InterruptedException {
        requireOpen();
        inFlight.acquire(MARKER_BYTES);
        queue.add(new SourceEvent.Commit(txn, position, MARKER_BYTES));
        open = false;
        lastCommittedTxn = txn;
    }

    @Override
    public void rollback() throws InterruptedException {
        if (!open) {
            return;
        }
        open = false;
        inFlight.acquire(MARKER_BYTES);
        queue.add(new SourceEvent.Rollback(MARKER_BYTES));
    }

    /** True when the reader is close to waiting for the budget: the applying side should not hold rows back. */
    boolean pressed() {
        return inFlight.overHalf();
    }

    @Override
    public Optional<LogicalPosition> durable() {
        return Optional.ofNullable(durable.get());
    }

    @Override
    public boolean caughtUp() {
        return !open && durableTxn.get() >= lastCommittedTxn;
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("a change arrived outside begin() ... commit()");
        }
    }

    /** Apply side: the next event, or null after the timeout. */
    SourceEvent poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Apply side: true when nothing is waiting. */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Apply side: returns an event's bytes to the budget. */
    void release(SourceEvent e) {
        inFlight.release(e.bytes());
    }

    /** Apply side: returns the bytes of rows handed to the target. */
    void releaseBytes(long bytes) {
        inFlight.release(bytes);
    }
}
