package io.cdcsink.engine;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Rows the target refused under {@link OnApplyError#DEADLETTER}, kept in cdc-sink's metadata schema of the target
 * database, in the transaction that applies the rest: every row is applied or set aside, none is dropped. While a key
 * has a dead letter, later changes of the key are set aside after it, so that retrying them in order (oldest first)
 * leaves the row as the source has it.
 */
public interface DeadLetters {
    /** A row set aside: its table, key, source time, the change (the row's JSON, empty for a delete) and why. */
    record DeadLetter(long id, TableName table, String key, Hlc time, Optional<String> mutation, ValueFormat format,
                      String error, Optional<String> sqlState, Instant at) {
        public DeadLetter {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(mutation, "mutation");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(sqlState, "sqlState");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Which dead letters of a database an operator means: of one table (all when empty), with these ids (all when
     * empty), set aside at least this long ago (any age when empty).
     */
    record Filter(Optional<TableName> table, List<Long> ids, Optional<Duration> olderThan) {
        public static final Filter ALL = new Filter(Optional.empty(), List.of(), Optional.empty());

        public Filter {
            Objects.requireNonNull(table, "table");
            ids = List.copyOf(ids);
            Objects.requireNonNull(olderThan, "olderThan");
        }
    }

    /** Sets a row aside in the caller's transaction; the id it got. */
    long record(Connection tx, TableName table, String key, Hlc time, Optional<String> mutation, ValueFormat format,
                String error, Optional<String> sqlState) throws SQLException;

    /** The keys among {@code keys} that have a dead letter of the table; cheap for a table that has none. */
    Set<String> keysWithLetters(Connection tx, TableName table, Collection<String> keys) throws SQLException;

    /** The dead letters of a database that the filter selects, in the order they were set aside. */
    List<DeadLetter> list(String database, Filter filter) throws SQLException;

    /** Removes one dead letter in the caller's transaction; false when it is gone already. */
    boolean remove(Connection tx, String database, long id) throws SQLException;
}
