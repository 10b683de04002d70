package io.cdcsink.engine;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Holds mutations in the target until a resolved timestamp makes them safe to apply. The mutations of one table from
 * one {@link #stage} call are kept together as a staged batch; a window hands over the newest mutation per key of the
 * batches it overlaps, so a redelivered mutation (same time, key and change) changes nothing.
 */
public interface Stager {
    /**
     * Creates what staging the table needs (its staging table, on first use) on a connection of its own. Callers run
     * it before they open the transaction that stages: a caller holding a pooled connection while it waits for
     * another can starve the pool. The default needs nothing.
     */
    default void prepare(TableName table) throws SQLException {
    }

    /**
     * Stores mutations in the caller's transaction; idempotent for redeliveries. Without a {@link #prepare} of the
     * table first, the first call may take a second connection for its DDL.
     *
     * @return what was staged, for {@link #committed} once the caller's transaction committed
     */
    Staged stage(Connection tx, TableName table, List<Mutation> mutations) throws SQLException;

    /**
     * Tells the stager that the transaction in which it staged this committed. A stager may keep what it staged to
     * hand a window over without reading it back; the default keeps nothing. Must not fail.
     */
    default void committed(Staged staged) {
    }

    /** What one {@link #stage} call wrote; only the stager that returned it looks inside. */
    interface Staged {
        /** Nothing staged. */
        Staged NONE = new Staged() {
        };
    }

    /**
     * Removes the staged mutations of the table with time after the schema's last applied window and at or before
     * {@code upTo}, and hands the newest one per key to the handler, in batches of at most {@code batchSize}, inside
     * the caller's transaction. Mutations at or before the last applied window are never handed over: they are older
     * than what the target holds.
     *
     * @return the number of mutations handed over
     */
    long drain(Connection tx, TableName table, Hlc upTo, int batchSize, MutationHandler handler)
            throws SQLException;

    /**
     * Reads, without removing them, what {@link #drain} would hand over for the window after {@code after} (everything
     * staged when empty) and at or before {@code upTo}, if that is at most {@code limit} mutations; empty when it is
     * more, or when this stager cannot read ahead. Runs on a connection of its own, outside the window's transaction:
     * a resolved window's mutations do not change once its timestamp is resolved. {@link #discard} removes them.
     */
    default Optional<Peeked> peek(Connection conn, TableName table, Optional<Hlc> after, Hlc upTo, int limit)
            throws SQLException {
        return Optional.empty();
    }

    /**
     * In the window's transaction: removes what {@link #peek} read, as {@link #drain} removes what it hands over.
     * Fails, leaving the transaction to be rolled back, when the window overlaps staged batches other than those the
     * peek saw, or when the schema's last applied window is no longer {@code peeked}'s lower bound.
     *
     * @throws IllegalStateException when the window changed since it was peeked
     */
    default void discard(Connection tx, TableName table, Peeked peeked) throws SQLException {
        throw new UnsupportedOperationException("this stager does not read ahead");
    }

    /**
     * What {@link #peek} read: the newest mutation per key of the window; how many staged mutations it read them from,
     * at most (a batch that straddles a bound counts whole when it was read from the table), which bounds the memory
     * a read-ahead takes; and the ids of the staged batches overlapping the window, which {@link #discard} checks.
     */
    record Peeked(Optional<Hlc> after, Hlc upTo, List<Mutation> mutations, long stagedRows, List<Long> batches) {
        public Peeked {
            mutations = List.copyOf(mutations);
            batches = List.copyOf(batches);
        }
    }

    /** Tables of the schema that have (or had) staged mutations. */
    List<TableName> stagedTables(Connection tx, SchemaName schema) throws SQLException;
}
