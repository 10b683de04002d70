package io.cdcsink.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
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

    /**
     * The value {@link #escape} wrote as {@code escaped.subSequence(from, to)}: the inverse of its four escapes. Any
     * other backslash sequence is not one {@link #escape} writes and is refused.
     *
     * @throws IllegalArgumentException when the text is not what {@link #escape} writes
     */
    public static String unescape(CharSequence escaped, int from, int to) {
        int first = from;
        while (first < to && escaped.charAt(first) != '\\') {
            first++;
        }
        if (first == to) {
            return escaped.subSequence(from, to).toString();
        }
        StringBuilder out = new StringBuilder(to - from);
        out.append(escaped, from, first);
        for (int i = first; i < to; i++) {
            char c = escaped.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == to) {
                throw new IllegalArgumentException("a backslash ends the escaped text");
            }
            out.append(switch (escaped.charAt(i)) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException("not an escape of CopyText: \\" + escaped.charAt(i));
            });
        }
        return out.toString();
    }

    private static boolean special(char c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Appends one row's line (ending in a newline) to the text, or returns false when the row cannot be copied. */
    @FunctionalInterface
    public interface Lines<T> {
        boolean append(StringBuilder text, T row);
    }

    /** The cause of the IOException a {@link #reader} throws when {@link Lines} refuses a row. */
    public static final class NotCopyable extends SQLException {
        public NotCopyable() {
            super("a row cannot be written with COPY");
        }
    }

    /**
     * The rows' lines as UTF-8 bytes for the driver's {@code CopyManager.copyIn(sql, input)}, produced as the driver
     * reads, so a large batch is never held as one text. When {@code lines} refuses a row the stream throws an
     * IOException caused by {@link NotCopyable}, and the driver cancels the COPY. Bytes, not characters: given a
     * {@link java.io.Reader} the driver copies the characters out, builds a string of them again and encodes that,
     * which was a twentieth of the resolver thread's time.
     */
    public static <T> InputStream input(List<T> rows, Lines<T> lines) {
        return new InputStream() {
            private final StringBuilder text = new StringBuilder(256);
            private byte[] bytes = new byte[0];
            private int next;
            private int offset;

            @Override
            public int read(byte[] buffer, int from, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                while (offset == bytes.length) {
                    if (next == rows.size()) {
                        return -1;
                    }
                    text.setLength(0);
                    // Fill up to about the caller's buffer, so the driver sends large messages.
                    while (next < rows.size() && text.length() < length) {
                        if (!lines.append(text, rows.get(next++))) {
                            throw new IOException(new NotCopyable());
                        }
                    }
                    bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                    offset = 0;
                }
                int n = Math.min(length, bytes.length - offset);
                System.arraycopy(bytes, offset, buffer, from, n);
                offset += n;
                return n;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }
        };
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
