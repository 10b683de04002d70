package io.cdcsink.core;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Sorts target errors into the caller's fault (400), a retryable conflict, or the target's fault (503). PostgreSQL
 * and CockroachDB say which by SQLSTATE; MySQL and MariaDB give many errors the general state {@code HY000}, so their
 * error numbers decide there.
 */
public final class SqlErrors {
    /** MySQL: a deadlock (1213, state 40001) and a row lock not granted in time (1205, state HY000). */
    private static final Set<Integer> MYSQL_RETRYABLE = Set.of(1205, 1213);
    /**
     * MySQL errors about the values or names a request brought: an unknown column (1054); a NOT NULL column without a
     * value (1048, 1364); a value the column cannot hold (1264, 1292, 1366, 1406, 3140, 4025 a failed CHECK); a
     * duplicate key (1062) or a missing parent row (1452). An unknown database (1049) or table (1146) is not among
     * them: see {@link #classify}.
     */
    private static final Set<Integer> MYSQL_BAD_INPUT = Set.of(1048, 1054, 1062, 1264, 1292, 1364, 1366, 1406, 1452,
            3140, 4025);

    private SqlErrors() {
    }

    /** Serialization failures, deadlocks, and on MySQL lock waits that timed out: the same work may be tried again. */
    public static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) || "40003".equals(state) || mysql(e, MYSQL_RETRYABLE);
    }

    /** Converts an error into the exception the boundary maps to a status. */
    public static CdcSinkException classify(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // A missing table, schema or database (42P01, 3F000, 3D000; MySQL 1146, 1049) is not the caller's fault
        // here: the pool refuses a database that does not exist before it opens (HikariTargetPools), and the target
        // tables were checked before writing, so what is missing now was dropped meanwhile (most likely cdc-sink's
        // own staging schema, or the whole database); the work is retried and cdc-sink creates its tables again
        // (MetadataSchema#forget).
        if (state.startsWith("22") || state.startsWith("23") || "42703".equals(state) || "42S22".equals(state)
                || mysql(e, MYSQL_BAD_INPUT)) {
            return new BadInputException(what + ": " + e.getMessage(), e);
        }
        return new TargetUnavailableException(what + ": " + e.getMessage(), e);
    }

    /**
     * Whether the error carries one of these MySQL error numbers. PostgreSQL's driver leaves the number 0, so the
     * numbers never match its errors.
     */
    private static boolean mysql(SQLException e, Set<Integer> codes) {
        return e.getErrorCode() != 0 && codes.contains(e.getErrorCode());
    }
}
