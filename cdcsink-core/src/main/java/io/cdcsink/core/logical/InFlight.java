package io.cdcsink.core.logical;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --bytesInFlight} budget: bytes read from the source and not yet handed to the target. The reader
 * acquires, the applying side releases. A single event larger than the whole budget takes the whole budget instead
 * of waiting forever.
 */
final class InFlight {
    private final int budget;
    private final Semaphore permits;
    private final Runnable onWait;

    InFlight(long bytesInFlight, Runnable onWait) {
        this.budget = (int) Math.min(Integer.MAX_VALUE, bytesInFlight);
        this.permits = new Semaphore(budget);
        this.onWait = onWait;
    }

    /** The permits this many bytes take. */
    int weight(long bytes) {
        return (int) Math.max(1, Math.min(budget, bytes));
    }

    void acquire(long bytes) throws InterruptedException {
        int w = weight(bytes);
        if (permits.tryAcquire(w)) {
            return;
        }
        onWait.run();
        while (!permits.tryAcquire(w, 1, TimeUnit.SECONDS)) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
        }
    }

    void release(long bytes) {
        permits.release(weight(bytes));
    }

    /** True when more than half the budget is held: the reader is close to waiting for the applying side. */
    boolean overHalf() {
        return permits.availablePermits() < budget / 2;
    }

    /** Bytes currently held. */
    long used() {
        return budget - (long) permits.availablePermits();
    }
}
