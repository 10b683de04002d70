package io.cdcsink.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Optional;

/**
 * PostgreSQL's {@code COPY ... FROM STDIN} text format, and a way to try a COPY without losing the caller's
 * transaction: COPY cannot resolve conflicts, so writers try it first and fall back to an upsert when it fails.
 */
public final class CopyText {
    /** The text format's NULL. */
    public static final String NULL = "\\N";

    private CopyText() {
    }

    /** Appends a value with the text format's escapes: backslash, and the characters that end a column or a row. */
    public static StringBuilder escape(StringBuilder out, CharSequence value) {
        int first = 0;
        int n = value.length();
        while (first < n && !special(value.charAt(first))) {
            first++;
        }
        if (first == n) {
            return out.append(value); // most values have nothing to escape: one bulk copy
        }
        out.append(value, 0, first);
        for (int i = first; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }

    private static boolean special(char c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Work on a connection that may fail with a SQLException. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws SQLException;
    }

    /**
     * Runs an attempt inside a savepoint of {@code tx} (which must not be in auto-commit): the savepoint is released
     * when the attempt succeeds, and rolled back when it fails, which leaves the transaction as it was before.
     *
     * @return the attempt's failure, or empty when it succeeded
     * @throws SQLException when the savepoint itself cannot be set, released or rolled back to
     */
    public static Optional<SQLException> inSavepoint(Connection tx, Attempt attempt) throws SQLException {
        Savepoint before = tx.setSavepoint();
        try {
            attempt.run();
        } catch (SQLException e) {
            tx.rollback(before);
            return Optional.of(e);
        }
        tx.releaseSavepoint(before);
        return Optional.empty();
    }
}
