package io.cdcsink.engine;

import io.cdcsink.api.TargetUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * cdc-sink's own schema in each target database ({@code --stagingDB}, default {@code _cdc_sink}), for a module that
 * keeps tables of its own there: the stager's registry and staging tables. The schema lives next to the target
 * tables so that applying a window, or a source transaction, and recording it commit in one transaction. The
 * metadata module creates it and owns every other table in it; a module keeping tables here names them so they cannot
 * clash with those (the stager's all start with {@code stage2_}, or {@code stage_} for those of earlier releases,
 * apart from its registry {@code staged_tables}).
 */
public interface MetadataSchema {
    /** Work on a connection of a DDL transaction. */
    @FunctionalInterface
    interface DdlWork<T> {
        T run(Connection conn) throws SQLException;
    }

    /** A table of the schema as quoted SQL text for a connection to that database. */
    String qualify(String database, String table);

    /**
     * Creates the schema in the database, with the tables every part of cdc-sink may rely on, and then runs the
     * {@code CREATE ... IF NOT EXISTS} statements; each once per database and group for the life of the process, so
     * the hot path runs no DDL.
     *
     * @param group names the statements, e.g. {@code "staging"}; a second call with the same group is free
     * @throws TargetUnavailableException when the DDL fails
     */
    void ensureTables(String database, String group, List<String> ddl);

    /**
     * Runs work on a fresh connection of the database, serialised against every other cdc-sink instance doing DDL in
     * this schema (concurrent {@code CREATE ... IF NOT EXISTS} can otherwise fail in the catalog). Call
     * {@link #ensureTables} first.
     */
    <T> T inDdlTransaction(String database, DdlWork<T> work) throws SQLException;

    /**
     * Forgets what {@link #ensureTables} created in the database, so the next call creates it again. For an error
     * saying that a table or schema is missing ({@link #missing}): someone dropped cdc-sink's schema, or the whole
     * database, while it ran. The work that failed is retried (a changefeed gets 503) and finds its tables again.
     */
    void forget(String database);

    /**
     * Rethrows the error after {@link #forget forgetting} the database if the error says a table or schema is
     * missing; any other error unchanged. For {@code catch (SQLException e) { throw area.forgetIfMissing(db, e); }}.
     */
    default SQLException forgetIfMissing(String database, SQLException e) {
        if (missing(e)) {
            forget(database);
        }
        return e;
    }

    /**
     * True when the target says a table or schema does not exist: PostgreSQL's SQLSTATE 42P01 (undefined table) and
     * 3F000 (invalid schema name), MySQL's 1146 (no such table) and 1049 (unknown database, which is a schema there).
     */
    static boolean missing(SQLException e) {
        String state = e.getSQLState();
        return "42P01".equals(state) || "3F000".equals(state) || e.getErrorCode() == 1146
                || e.getErrorCode() == 1049;
    }
}
