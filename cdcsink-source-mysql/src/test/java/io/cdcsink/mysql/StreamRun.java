package io.cdcsink.mysql;

import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalPosition;
import java.util.Optional;

/** Runs {@link LogicalDialect#stream} on its own thread, as the replication loop would, and stops it by interrupt. */
final class StreamRun implements AutoCloseable {
    private final Thread thread;
    private volatile Throwable failure;

    StreamRun(LogicalDialect dialect, Optional<LogicalPosition> from, RecordingEvents events) {
        thread = new Thread(() -> {
            try {
                dialect.stream(from, events);
            } catch (Throwable t) {
                failure = t;
            }
        }, "mylogical-test-stream");
        thread.start();
    }

    /** Waits until {@code events} holds {@code count} commits; fails at once if the stream died. */
    void awaitCommits(RecordingEvents events, int count, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (events.commits().size() < count) {
            if (!thread.isAlive()) {
                throw new AssertionError("the stream ended after " + events.commits().size() + " commits", failure);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + events.commits().size() + " of " + count + " commits within "
                        + seconds + " s: " + events.lines().subList(0, Math.min(20, events.lines().size())));
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the stream to end by itself and returns why. */
    Throwable awaitFailure(long seconds) throws InterruptedException {
        thread.join(seconds * 1000);
        if (thread.isAlive()) {
            throw new AssertionError("the stream did not fail within " + seconds + " s");
        }
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new AssertionError("the stream did not stop within 10 s of an interrupt");
        }
        if (failure != null && !(failure instanceof InterruptedException)) {
            throw new AssertionError("the stream failed", failure);
        }
    }
}
