package io.cdcsink.core.logical;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.engine.RowChange;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hand-off between a dialect's reader thread and the loop's apply thread: the reader side implements
 * {@link LogicalEvents}, numbering transactions and turning rows into {@link RowChange}s whose time is the
 * transaction number (so later transactions win when rows of several are applied together); the apply side polls.
 * Memory is bounded by {@link InFlight}.
 *
 * <p>Events cross in batches: the apply side takes everything waiting at once, and when nothing is waiting it first
 * naps for up to {@value #NAP_MICROS} µs, which the reader does not cut short, before it sleeps until the reader wakes
 * it. A queue that woke the apply side for every event (a {@code LinkedBlockingQueue}) cost the reader a wake-up per
 * event whenever the apply side kept up: with 1-row source transactions that was 15% of the reader's time, besides
 * the context switches. The nap adds at most that much latency to a transaction arriving while the apply side is idle.
 */
final class EventQueue implements LogicalEvents {
    /** What a begin/commit/truncate marker costs in the budget, so a flood of tiny transactions is bounded too. */
    static final long MARKER_BYTES = 64;

    /** How long the apply side waits for more events, unwoken, before it asks the reader to wake it. */
    static final long NAP_MICROS = 1_000;

    private final Object lock = new Object();
    /** Handed over by the reader, not yet taken; guarded by {@link #lock}. */
    private ArrayDeque<SourceEvent> waiting = new ArrayDeque<>();
    /** Taken by the apply side, not yet polled; only the apply side touches it. */
    private ArrayDeque<SourceEvent> taken = new ArrayDeque<>();
    /** The apply side sleeps until the next event; guarded by {@link #lock}. */
    private boolean asleep;
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
    public void upsert(TableName table, SourceRow row) throws InterruptedException {
        put(table, RowChange.upsert(new Hlc(txn, 0), row));
    }

    @Override
    public void move(TableName table, SourceRow oldKey, SourceRow row) throws InterruptedException {
        put(table, RowChange.move(new Hlc(txn, 0), oldKey, row));
    }

    @Override
    public void delete(TableName table, SourceRow key) throws InterruptedException {
        put(table, RowChange.delete(new Hlc(txn, 0), key));
    }

    private void put(TableName table, RowChange change) throws InterruptedException {
        requireOpen();
        long bytes = change.bytes();
        inFlight.acquire(bytes);
        hand(new SourceEvent.Row(txn, table, change, bytes));
    }

    @Override
    public void truncate(TableName table) throws InterruptedException {
        requireOpen();
        inFlight.acquire(MARKER_BYTES);
        hand(new SourceEvent.Truncate(txn, table, MARKER_BYTES));
    }

    @Override
    public void commit(LogicalPosition position) throws InterruptedException {
        requireOpen();
        inFlight.acquire(MARKER_BYTES);
        hand(new SourceEvent.Commit(txn, position, MARKER_BYTES));
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
        hand(new SourceEvent.Rollback(MARKER_BYTES));
    }

    /** Reader side: one event for the apply side, which is woken only when it sleeps. */
    private void hand(SourceEvent e) {
        synchronized (lock) {
            waiting.add(e);
            if (asleep) {
                asleep = false;
                lock.notify();
            }
        }
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
        SourceEvent next = taken.poll();
        if (next != null) {
            return next;
        }
        synchronized (lock) {
            if (waiting.isEmpty()) {
                await(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
            }
            ArrayDeque<SourceEvent> all = waiting;
            waiting = taken;
            taken = all;
        }
        return taken.poll();
    }

    /** Holding the lock: naps, then sleeps until an event is waiting or the deadline passes. */
    private void await(long deadline) throws InterruptedException {
        long napUntil = Math.min(deadline, System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(NAP_MICROS));
        for (long left = napUntil - System.nanoTime(); left > 0; left = napUntil - System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        try {
            for (long left = deadline - System.nanoTime(); waiting.isEmpty() && left > 0;
                 left = deadline - System.nanoTime()) {
                asleep = true;
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        } finally {
            asleep = false;
        }
    }

    /** Apply side: true when nothing is waiting. */
    boolean isEmpty() {
        synchronized (lock) {
            return taken.isEmpty() && waiting.isEmpty();
        }
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
