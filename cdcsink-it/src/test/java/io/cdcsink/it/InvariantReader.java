package io.cdcsink.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the bank invariant on the target in a loop while replication runs, and records every reading that breaks
 * it. In consistent mode there must be none: the target only ever shows whole source transactions.
 */
final class InvariantReader implements AutoCloseable {
    private final Connector target;
    private final Thread thread;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong failedReads = new AtomicLong();
    private final List<Bank.Totals> violations = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;

    /** Opens a connection to the target database. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    InvariantReader(Connector target) {
        this.target = target;
        this.thread = new Thread(this::loop, "invariant-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try (Connection c = target.open()) {
                while (running) {
                    Bank.Totals t = Bank.totals(c);
                    reads.incrementAndGet();
                    if (!t.consistent()) {
                        violations.add(t);
                    }
                    Thread.sleep(5);
                }
            } catch (SQLException e) {
                // The tables may not exist yet, or the target is restarting: not a reading.
                failedReads.incrementAndGet();
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long reads() {
        return reads.get();
    }

    List<Bank.Totals> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
