package io.cdcsink.core;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.SQLException;

/** Sorts target errors into the caller's fault (400), a retryable conflict, or the target's fault (503). */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** Serialization failures and deadlocks: the same work may simply be tried again. */
    public static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) || "40003".equals(state);
    }

    /** Converts an error into the exception the boundary maps to a status. */
    public static CdcSinkException classify(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // A missing table, schema or database (42P01, 3F000, 3D000) is not the caller's fault here: the pool
        // refuses a database that does not exist before it opens (HikariTargetPools), and the target tables were
        // checked before writing, so what is missing now was dropped meanwhile (most likely cdc-sink's own staging
        // schema, or the whole database); the work is retried and cdc-sink creates its tables again
        // (MetadataSchema#forget).
        if (state.startsWith("22") || state.startsWith("23") || "42703".equals(state)) {
            return new BadInputException(what + ": " + e.getMessage(), e);
        }
        return new TargetUnavailableException(what + ": " + e.getMessage(), e);
    }
}
