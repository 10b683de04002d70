package io.cdcsink.engine;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes mutations into target tables as upserts and deletes. An applier reads values as
 * {@link ValueFormat#CHANGEFEED_JSON}; {@link #forValues} gives one for another format.
 */
public interface Applier {
    /**
     * This applier for rows whose values are in {@code format}: the same tables, configuration and metrics. The
     * default supports only {@link ValueFormat#CHANGEFEED_JSON}.
     *
     * @throws UnsupportedOperationException for a format the implementation cannot apply
     */
    default Applier forValues(ValueFormat format) {
        if (format == ValueFormat.CHANGEFEED_JSON) {
            return this;
        }
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot apply " + format + " values");
    }

    /**
     * This applier for a logical replication loop with {@code evolution} in force: with
     * {@link SchemaEvolution#ADDITIVE}, {@link #applyChanges} creates the tables and columns its rows need before
     * writing them. The default supports only {@link SchemaEvolution#NONE}.
     *
     * @throws UnsupportedOperationException for a setting the implementation cannot follow
     */
    default Applier withSchemaEvolution(SchemaEvolution evolution) {
        if (evolution == SchemaEvolution.NONE) {
            return this;
        }
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot change the target's schema");
    }

    /**
     * Checks that the mutations fit the target table without writing anything: their shape (unknown table, unknown
     * column, missing key column, wrong key arity, malformed JSON) and, where the dialect can, that every value
     * converts to its column's type. Used before staging, so that nothing staged can fail to apply later for
     * reasons visible now.
     *
     * <p>The first call for a database may take a second connection of its own (to load the database's apply
     * configuration); callers holding a pooled connection should {@link #prepare} first and call
     * {@link #validatePrepared}.
     *
     * @param tx a connection to the table's database; only read from
     * @throws BadInputException naming the table and the offending property or value
     */
    void validate(Connection tx, TableName table, List<Mutation> mutations) throws SQLException;

    /**
     * {@link #validate} for a batch from this applier's {@link #prepare}, which already did the part that needs no
     * connection or a connection of its own; this part only reads through {@code tx}.
     */
    default void validatePrepared(Connection tx, PreparedBatch batch) throws SQLException {
        validate(tx, batch.table(), batch.mutations());
    }

    /**
     * Applies the mutations inside the caller's transaction. For equal keys the mutation with the greatest time wins;
     * between equal times the later one in the list wins.
     *
     * @param tx a connection to the table's database, with auto-commit off
     */
    ApplyResult apply(Connection tx, TableName table, List<Mutation> mutations) throws SQLException;

    /**
     * Applies changes of a log-based source inside the caller's transaction, as {@link #apply} applies mutations
     * (values in {@link ValueFormat#TEXT}, whatever this applier's format). The changes never become JSON on the way.
     * When the target lacks a table or columns the rows' {@link io.cdcsink.api.RowShape} has, or has a NOT NULL
     * column the rows no longer carry, this throws a {@link BlockedException} of kind
     * {@link Blockage.Kind#SCHEMA_CHANGE} whose fix is the DDL to run (or, under {@link #withSchemaEvolution}
     * additive, runs the DDL that only adds, in {@code tx}, and writes the rows).
     *
     * @param tx a connection to the table's database, with auto-commit off
     */
    default ApplyResult applyChanges(Connection tx, TableName table, List<RowChange> changes) throws SQLException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot apply row changes");
    }

    /**
     * Does the part of applying that needs no transaction (decoding the mutations, checking their shape against the
     * table) ahead of the transaction that applies them, so that callers combining several batches in one
     * transaction do it concurrently. The default does nothing ahead.
     *
     * @throws BadInputException as {@link #apply} would for the same mutations
     */
    default PreparedBatch prepare(TableName table, List<Mutation> mutations) {
        return PreparedBatch.of(table, mutations);
    }

    /**
     * Applies prepared batches of one table inside the caller's transaction, as {@link #apply} applies the
     * concatenation of their mutations, in order.
     *
     * @param batches batches of {@code table} from this applier's {@link #prepare}
     */
    default ApplyResult applyPrepared(Connection tx, TableName table, List<PreparedBatch> batches)
            throws SQLException {
        return apply(tx, table, PreparedBatch.mutationsOf(batches));
    }

    /**
     * The order in which one transaction should write changes of these tables of {@code database}: parents' upserts
     * before children's, children's deletes before parents' ({@link ForeignKeyGraph#order}). The default writes each
     * table whole, in the order given.
     */
    default ApplyOrder order(String database, List<TableName> tables) {
        return ApplyOrder.unordered(tables);
    }

    /**
     * Applies changes of several tables of one database inside the caller's transaction, as {@link #applyChanges}
     * applies each table's, in the {@link #order} of their tables' foreign keys, so that constraints checked per
     * statement hold throughout. The default applies table by table in map order.
     *
     * @return what each table got
     */
    default Map<TableName, ApplyResult> applyChanges(Connection tx, Map<TableName, List<RowChange>> changes)
            throws SQLException {
        Map<TableName, ApplyResult> out = new LinkedHashMap<>();
        for (Map.Entry<TableName, List<RowChange>> e : changes.entrySet()) {
            out.put(e.getKey(), applyChanges(tx, e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * Applies prepared batches of several tables of one database inside the caller's transaction, as
     * {@link #applyPrepared(Connection, TableName, List)} applies each table's, in foreign-key {@link #order}. The
     * default applies table by table in map order.
     *
     * @return what each table got
     */
    default Map<TableName, ApplyResult> applyPrepared(Connection tx, Map<TableName, List<PreparedBatch>> batches)
            throws SQLException {
        Map<TableName, ApplyResult> out = new LinkedHashMap<>();
        for (Map.Entry<TableName, List<PreparedBatch>> e : batches.entrySet()) {
            out.put(e.getKey(), applyPrepared(tx, e.getKey(), e.getValue()));
        }
        return out;
    }
}
