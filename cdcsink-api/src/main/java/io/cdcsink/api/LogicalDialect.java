package io.cdcsink.api;

import java.util.Optional;

/**
 * Reads one kind of source transaction log (PostgreSQL pgoutput, MySQL/MariaDB binlog). The shared replication
 * loop in {@code cdcsink-core} runs it: it decides where to start, applies what the dialect reports, stores
 * positions in the target together with the data and restarts the dialect after failures.
 */
public interface LogicalDialect {
    /**
     * Checks connectivity and the source settings the dialect needs.
     *
     * @throws IllegalStateException whose message says what is wrong and how to fix it
     */
    void preflight() throws Exception;

    /** The position to start from when the target holds none (e.g. {@code --defaultGTIDSet}); may be empty. */
    default Optional<LogicalPosition> defaultPosition() {
        return Optional.empty();
    }

    /**
     * What this source offers for an initial load and for copying tables again while streaming
     * ({@code --snapshot initial}, {@code --snapshotTables}); empty when it cannot take snapshots.
     */
    default Optional<SnapshotSource> snapshots() {
        return Optional.empty();
    }

    /**
     * Connects to the source and reports its transactions to {@code events}, starting just after {@code from}
     * (empty: wherever the source keeps this consumer's place), until the thread is interrupted or reading fails.
     * Transactions at or before {@code from} must not be reported again.
     */
    void stream(Optional<LogicalPosition> from, LogicalEvents events) throws Exception;
}
