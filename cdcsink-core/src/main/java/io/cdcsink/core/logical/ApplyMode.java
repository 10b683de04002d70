package io.cdcsink.core.logical;

import java.sql.SQLException;

/**
 * How the apply thread writes source events to the target: {@link SerialApplier} keeps source transactions whole
 * (consistent mode); {@link FanApplier} spreads rows over many connections (immediate and backfill modes).
 */
interface ApplyMode extends AutoCloseable {
    void row(SourceEvent.Row row) throws SQLException, InterruptedException;

    void truncate(SourceEvent.Truncate truncate) throws SQLException, InterruptedException;

    /** @param more true when further events are already waiting (a chance to coalesce transactions) */
    void commit(SourceEvent.Commit commit, boolean more) throws SQLException, InterruptedException;

    /** Nothing arrived for a while: finish what can be finished. */
    void idle() throws SQLException, InterruptedException;

    /** Applies and stores everything committed so far (before switching modes). */
    void finish() throws SQLException, InterruptedException;

    /** Stops, discarding whatever is not durable yet. */
    @Override
    void close();
}
