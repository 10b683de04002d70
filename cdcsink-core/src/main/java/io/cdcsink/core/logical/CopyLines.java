package io.cdcsink.core.logical;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the rows a {@link io.cdcsink.api.SnapshotReader} writes, PostgreSQL's {@code COPY} text format, back into
 * their values, for a target that cannot take that format itself (MySQL): the values then go the way a logical
 * source's text values go. Bytes arrive in pieces of any size; each complete line becomes one row.
 *
 * <p>Every escape {@code COPY FROM} reads is read here: {@code \b \f \n \r \t \v \\}, octal {@code \ooo} and hex
 * {@code \xhh} bytes, and a backslash before any other character standing for that character. {@code \N} alone is
 * NULL. Escapes are undone on bytes, so an octal escape may be one byte of a multi-byte UTF-8 character.
 */
final class CopyLines {
    /** Takes one row's values, in column order, null for NULL. */
    @FunctionalInterface
    interface RowSink {
        void row(String[] values) throws Exception;
    }

    private final int columns;
    private final RowSink sink;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ByteArrayOutputStream value = new ByteArrayOutputStream(64);
    private long rows;

    CopyLines(int columns, RowSink sink) {
        this.columns = columns;
        this.sink = sink;
    }

    /** Takes the next bytes of the text; every line they complete goes to the sink. */
    void write(byte[] data, int offset, int length) throws Exception {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (data[i] == '\n') {
                if (partial.size() > 0) {
                    partial.write(data, start, i - start);
                    byte[] line = partial.toByteArray();
                    partial.reset();
                    line(line, 0, line.length);
                } else {
                    line(data, start, i);
                }
                start = i + 1;
            }
        }
        if (start < end) {
            partial.write(data, start, end - start);
        }
    }

    /**
     * Ends the text.
     *
     * @return how many rows it held
     * @throws IllegalArgumentException when the text ends inside a line
     */
    long finish() {
        if (partial.size() > 0) {
            throw new IllegalArgumentException("the copied text ends inside a row (" + partial.size()
                    + " bytes after the last newline)");
        }
        return rows;
    }

    private void line(byte[] b, int from, int to) throws Exception {
        String[] values = new String[columns];
        int column = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || b[i] == '\t') {
                if (column == columns) {
                    throw new IllegalArgumentException("a copied row has more than " + columns + " values");
                }
                values[column++] = field(b, start, i);
                start = i + 1;
            } else if (b[i] == '\\' && i + 1 < to) {
                i++; // an escaped tab is no separator
            }
        }
        if (column != columns) {
            throw new IllegalArgumentException("a copied row has " + column + " values, not " + columns);
        }
        rows++;
        sink.row(values);
    }

    private String field(byte[] b, int from, int to) {
        if (to - from == 2 && b[from] == '\\' && b[from + 1] == 'N') {
            return null;
        }
        int first = from;
        while (first < to && b[first] != '\\') {
            first++;
        }
        if (first == to) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        value.reset();
        value.write(b, from, first - from);
        for (int i = first; i < to; i++) {
            byte c = b[i];
            if (c != '\\') {
                value.write(c);
                continue;
            }
            if (++i == to) {
                throw new IllegalArgumentException("a copied value ends in a backslash");
            }
            byte e = b[i];
            switch (e) {
                case 'b' -> value.write('\b');
                case 'f' -> value.write('\f');
                case 'n' -> value.write('\n');
                case 'r' -> value.write('\r');
                case 't' -> value.write('\t');
                case 'v' -> value.write(0x0b);
                case 'x' -> {
                    int n = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < to && Character.digit(b[i + 1], 16) >= 0) {
                        n = n * 16 + Character.digit(b[++i], 16);
                        digits++;
                    }
                    if (digits == 0) {
                        value.write('x');
                    } else {
                        value.write(n);
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int n = e - '0';
                        for (int d = 1; d < 3 && i + 1 < to && b[i + 1] >= '0' && b[i + 1] <= '7'; d++) {
                            n = n * 8 + (b[++i] - '0');
                        }
                        value.write(n & 0xff);
                    } else {
                        value.write(e);
                    }
                }
            }
        }
        return value.toString(StandardCharsets.UTF_8);
    }
}
