package io.cdcsink.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A place in a source's transaction log, just after one committed transaction: for PostgreSQL the end LSN of the
 * commit record ({@code 0/16B3748}), for MySQL/MariaDB the executed GTID set. The text is the dialect's own and is
 * stored as-is next to the applied data; only the dialect parses it.
 *
 * @param text       the dialect's text form, never blank
 * @param commitTime when the source committed that transaction (used for lag and backfill decisions)
 */
public record LogicalPosition(String text, Instant commitTime) {
    public LogicalPosition {
        Objects.requireNonNull(commitTime, "commitTime");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty logical position");
        }
    }

    @Override
    public String toString() {
        // A position given by the operator (--defaultGTIDSet) has no known commit time: no 1970 date for it.
        return Instant.EPOCH.equals(commitTime) ? text : text + " (committed " + commitTime + ")";
    }
}
