package io.cdcsink.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Holds mutations in the target until a resolved timestamp makes them safe to apply. Staged rows are keyed by
 * (time, key), so a redelivered mutation replaces itself.
 */
public interface Stager {
    /** Stores mutations in the caller's transaction; idempotent for redeliveries. */
    void stage(Connection tx, TableName table, List<Mutation> mutations) throws SQLException;

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

    /** Tables of the schema that have (or had) staged mutations. */
    List<TableName> stagedTables(Connection tx, SchemaName schema) throws SQLException;
}
