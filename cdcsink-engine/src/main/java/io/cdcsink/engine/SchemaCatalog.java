package io.cdcsink.engine;

import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Describes target tables. Implementations cache descriptions but look a table up as soon as it is asked for and
 * not cached, so a newly created table is usable at once.
 */
public interface SchemaCatalog {
    /** The table's description, read from the target when not cached; empty when the table does not exist. */
    Optional<TableInfo> table(TableName table);

    /** Forgets the cached description and reads it again (after DDL or a suspected change). */
    Optional<TableInfo> refresh(TableName table);

    /**
     * Forgets the cached description and reads it through {@code tx}, so that DDL {@code tx} ran and has not
     * committed yet is seen; the description is cached (a rolled-back change is corrected by the next
     * {@link #refresh}).
     */
    default Optional<TableInfo> refresh(Connection tx, TableName table) throws SQLException {
        return refresh(table);
    }

    /** Forgets the cached description: the next {@link #table} reads it (after DDL the operator is asked for). */
    default void forget(TableName table) {
    }

    /**
     * Refuses a schema the target database lacks (a changefeed path naming one is misconfigured, not ahead of the
     * target). The default accepts every schema.
     *
     * @throws io.cdcsink.api.BadInputException when the schema does not exist
     */
    default void requireSchema(SchemaName schema) {
    }

    /** Tables that exist in a target schema. */
    List<TableName> tables(SchemaName schema);

    /**
     * The foreign keys among the tables of a target database, for the order of writes. Cached like table
     * descriptions; {@link #refresh} of any of its tables reads them again. The default knows of none.
     */
    default ForeignKeyGraph foreignKeys(String database) {
        return ForeignKeyGraph.EMPTY;
    }
}
