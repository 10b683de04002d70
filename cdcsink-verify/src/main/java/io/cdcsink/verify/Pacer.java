package io.cdcsink.verify;

import java.util.function.LongConsumer;

/**
 * Keeps the rows read from the source under {@code --rowsPerSecond} (sleeping between chunks) and reports the running
 * total for the progress line.
 */
final class Pacer {
    private final long rowsPerSecond;
    private final LongConsumer progress;
    private final long start = System.nanoTime();
    private long rows;

    Pacer(long rowsPerSecond, LongConsumer progress) {
        this.rowsPerSecond = rowsPerSecond;
        this.progress = progress;
    }

    void read(long count) throws InterruptedException {
        rows += count;
        progress.accept(rows);
        if (rowsPerSecond > 0) {
            long due = start + rows * 1_000_000_000L / rowsPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }
}
