package io.cdcsink.staging;

import io.cdcsink.api.CopyText;
import io.cdcsink.api.Mutation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stages rows with {@code COPY ... FROM STDIN} in PostgreSQL's text format: about half the server time per row of
 * the {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT} statement (6 against 12–13 µs per 200-byte row, PostgreSQL
 * 17). COPY cannot resolve conflicts, so it runs inside a savepoint: a row whose (time, key) is already staged (a
 * redelivered batch) fails it with a unique violation, the savepoint is rolled back and {@link #copy} returns false,
 * and the caller stages the batch with the statement, which replaces such rows.
 */
final class StageCopy {
    /** Characters buffered before they are sent: bounds the memory of one large batch. */
    private static final int FLUSH_CHARS = 1 << 16;
    private static final String UNIQUE_VIOLATION = "23505";

    private StageCopy() {
    }

    /** Copies the rows (unique by time and key) with {@code copySql}; false when one of them is already staged. */
    static boolean copy(Connection tx, String copySql, List<Mutation> rows) throws SQLException {
        Optional<SQLException> failed = CopyText.inSavepoint(tx,
                () -> send(tx.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql), rows));
        if (failed.isPresent() && !UNIQUE_VIOLATION.equals(failed.get().getSQLState())) {
            throw failed.get();
        }
        return failed.isEmpty();
    }

    private static void send(CopyIn copy, List<Mutation> rows) throws SQLException {
        try {
            StringBuilder text = new StringBuilder(Math.min(FLUSH_CHARS + 4096, rows.size() * 160 + 16));
            for (Mutation m : rows) {
                // nanos, logical, key and mutation (JSON null for a delete), tab-separated
                text.append(m.time().nanos()).append('\t').append(m.time().logical()).append('\t');
                CopyText.escape(text, m.key()).append('\t');
                CopyText.escape(text, m.data().orElse("null")).append('\n');
                if (text.length() >= FLUSH_CHARS) {
                    write(copy, text);
                }
            }
            write(copy, text);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void write(CopyIn copy, StringBuilder text) throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        text.setLength(0);
    }
}
