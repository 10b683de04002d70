package io.cdcsink.core.logical;

import java.sql.SQLException;

/**
 * How the apply thread writes source events to the target: {@link SerialApplier} keeps source transactions whole
 * (consistent mode); {@link FanApplier} spreads rows over many connections (immediate and backfill modes).
 */
interface ApplyMode extends AutoCloseable {
    /** How long the loop usually waits for an event before it calls {@link #idle()}. */
    long IDLE_MILLIS = 50;

    void row(SourceEvent.Row row) throws SQLException, InterruptedException;

    void truncate(SourceEvent.Truncate truncate) throws SQLException, InterruptedException;

    void commit(SourceEvent.Commit commit) throws SQLException, InterruptedException;

    /** Nothing arrived within {@link #waitMillis()}: finish what can be finished. */
    void idle() throws SQLException, InterruptedException;

    /** How long the loop waits for the next event before it calls {@link #idle()}. */
    long waitMillis();

    /** Applies and stores everything committed so far (before switching modes). */
    void finish() throws SQLException, InterruptedException;

    /** Stops, discarding whatever is not durable yet. */
    @Override
    void close();
}
