package io.cdcsink.core;

import io.cdcsink.api.TargetUnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * Writes batches for one target database with at most {@code writers} transactions at a time. A batch that arrives
 * while every writer is busy waits; the next free writer takes every waiting batch, in arrival order and up to
 * {@link #MAX_ROWS} rows, into one transaction. Under concurrent load that means fewer and larger writes (a COPY of
 * 5,000 rows costs PostgreSQL less per row than one of 1,000) and fewer commits; without it, each batch is still its
 * own transaction.
 *
 * <p>Every batch stays all or nothing. When a combined transaction fails for any reason but an unavailable target,
 * each of its batches is written again on its own, so only the batch at fault fails and its caller gets the error
 * that names its own input. An unavailable target fails every batch of the transaction with the same error.
 *
 * <p>The callers' threads do the writing: no thread of its own, nothing to shut down. Callers should do whatever
 * needs no transaction before handing a batch over, since writers do their work one batch list at a time.
 *
 * @param <B> a batch
 */
final class GroupCommit<B> {
    /** Batches are combined up to this many rows; a larger batch is written alone. */
    static final int MAX_ROWS = 10_000;

    /** Writes one or more batches in one transaction, or throws. */
    @FunctionalInterface
    interface Transaction<B> {
        void write(List<B> batches);
    }

    private final int writers;
    private final ToLongFunction<B> rows;
    private final Transaction<B> transaction;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private final ArrayDeque<Waiting<B>> waiting = new ArrayDeque<>();
    private int busy;

    GroupCommit(int writers, ToLongFunction<B> rows, Transaction<B> transaction) {
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, was " + writers);
        }
        this.writers = writers;
        this.rows = rows;
        this.transaction = transaction;
    }

    /** Returns once the batch is committed; throws what its transaction threw when it is not. */
    void write(B batch) {
        Waiting<B> mine = new Waiting<>(batch, rows.applyAsLong(batch));
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done) {
                // Not done: it is either still waiting or in another writer's transaction.
                if (busy < writers && !waiting.isEmpty()) {
                    busy++;
                    List<Waiting<B>> taken = take();
                    List<RuntimeException> failures;
                    lock.unlock();
                    try {
                        failures = writeAll(taken);
                    } finally {
                        lock.lock();
                        busy--;
                    }
                    for (int i = 0; i < taken.size(); i++) {
                        taken.get(i).finish(failures.get(i));
                    }
                    finished.signalAll();
                } else {
                    // Bounded by one transaction's time; a caller cannot give up on a batch another thread writes.
                    finished.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Batches waiting for a writer (for tests and diagnostics). */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private List<Waiting<B>> take() {
        List<Waiting<B>> taken = new ArrayList<>();
        long total = 0;
        while (!waiting.isEmpty() && (taken.isEmpty() || total + waiting.peek().rows <= MAX_ROWS)) {
            Waiting<B> next = waiting.poll();
            total += next.rows;
            taken.add(next);
        }
        return taken;
    }

    /** One failure (or null) per batch, in order. */
    private List<RuntimeException> writeAll(List<Waiting<B>> taken) {
        List<RuntimeException> failures = new ArrayList<>(taken.size());
        if (taken.size() == 1) {
            failures.add(writeOne(List.of(taken.get(0).batch)));
            return failures;
        }
        List<B> batches = new ArrayList<>(taken.size());
        taken.forEach(w -> batches.add(w.batch));
        RuntimeException combined = writeOne(batches);
        if (combined == null || combined instanceof TargetUnavailableException) {
            taken.forEach(w -> failures.add(combined));
            return failures;
        }
        // Which batch was at fault: each on its own, so each caller hears about its own input only.
        taken.forEach(w -> failures.add(writeOne(List.of(w.batch))));
        return failures;
    }

    private RuntimeException writeOne(List<B> batches) {
        try {
            transaction.write(batches);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** A batch and, once written, its outcome; guarded by the lock. */
    private static final class Waiting<B> {
        final B batch;
        final long rows;
        boolean done;
        RuntimeException failure;

        Waiting(B batch, long rows) {
            this.batch = batch;
            this.rows = rows;
        }

        void finish(RuntimeException outcome) {
            failure = outcome;
            done = true;
        }
    }
}
