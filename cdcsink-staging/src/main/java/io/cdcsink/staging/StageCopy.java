package io.cdcsink.staging;

import io.cdcsink.engine.CopyText;
import io.cdcsink.api.Mutation;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGConnection;

/**
 * Stages rows with {@code COPY ... FROM STDIN} in PostgreSQL's text format: about half the server time per row of
 * the {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT} statement (6 against 12–13 µs per 200-byte row, PostgreSQL
 * 17). COPY cannot resolve conflicts, so it runs inside a savepoint: a row whose (time, key) is already staged (a
 * redelivered batch) fails it with a unique violation, the savepoint is rolled back and {@link #copy} returns false,
 * and the caller stages the batch with the statement, which replaces such rows.
 */
final class StageCopy {
    private static final String UNIQUE_VIOLATION = "23505";

    private StageCopy() {
    }

    /** Copies the rows (unique by time and key) with {@code copySql}; false when one of them is already staged. */
    static boolean copy(Connection tx, String copySql, List<Mutation> rows) throws SQLException {
        Optional<SQLException> failed = CopyText.inSavepoint(tx, () -> copyIn(tx, copySql, rows));
        if (failed.isPresent() && !UNIQUE_VIOLATION.equals(failed.get().getSQLState())) {
            throw failed.get();
        }
        return failed.isEmpty();
    }

    private static void copyIn(Connection tx, String sql, List<Mutation> rows) throws SQLException {
        try {
            tx.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, CopyText.input(rows, StageCopy::line));
        } catch (IOException e) {
            throw new IllegalStateException("every staged row has a line", e);
        }
    }

    /** nanos, logical, key and mutation (JSON null for a delete), tab-separated. */
    private static boolean line(StringBuilder text, Mutation m) {
        text.append(m.time().nanos()).append('\t').append(m.time().logical()).append('\t');
        CopyText.escape(text, m.key()).append('\t');
        CopyText.escape(text, m.data().orElse("null")).append('\n');
        return true;
    }
}
