package io.cdcsink.engine;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SourceRow;
import java.util.Objects;
import java.util.Optional;

/**
 * A change of one row from a log-based source, as the replication loop hands it to an {@link Applier}: the row (all
 * of it for an upsert, its key for a delete) and, for a row given a new key, the row under its old key.
 *
 * @param time      orders changes of one key: the later one wins, and between equal times the later in a list
 * @param delete    the row with {@code row}'s key is gone
 * @param row       the new row, or for a delete a row whose key columns hold the key
 * @param movedFrom for a row given a new key, a row whose key columns hold the old key
 */
public record RowChange(Hlc time, boolean delete, SourceRow row, Optional<SourceRow> movedFrom) {
    public RowChange {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(movedFrom, "movedFrom");
        if (delete && movedFrom.isPresent()) {
            throw new IllegalArgumentException("a delete cannot move a row");
        }
    }

    public static RowChange upsert(Hlc time, SourceRow row) {
        return new RowChange(time, false, row, Optional.empty());
    }

    public static RowChange delete(Hlc time, SourceRow key) {
        return new RowChange(time, true, key, Optional.empty());
    }

    public static RowChange move(Hlc time, SourceRow oldKey, SourceRow row) {
        return new RowChange(time, false, row, Optional.of(oldKey));
    }

    /** A rough size in memory, for backpressure. */
    public long bytes() {
        return row.bytes() + movedFrom.map(SourceRow::bytes).orElse(0L);
    }
}
