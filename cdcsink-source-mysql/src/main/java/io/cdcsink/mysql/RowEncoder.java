package io.cdcsink.mysql;

import io.cdcsink.api.JsonText;
import java.io.IOException;
import java.io.Serializable;
import java.util.BitSet;

/**
 * Builds the key array and row object JSON of one binlog row image, straight into a {@link StringBuilder} (no JSON
 * library objects per row: this is the reader's hottest loop). One encoder per reader thread.
 */
final class RowEncoder {
    /** The length of the last row's JSON, to size the next row's builder. */
    private int rowLengthHint = 64;

    /** One row image: its key and row JSON. */
    record Encoded(String keyJson, String rowJson) {
    }

    Encoded encode(SourceTable table, BitSet included, Serializable[] image) throws IOException {
        table.requireKey();
        int n = table.columns().size();
        Serializable[] values = new Serializable[n];
        boolean[] present = new boolean[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (included.get(i)) {
                present[i] = true;
                values[i] = image[next++];
            }
        }
        return new Encoded(key(table, values, present), row(table, values, present));
    }

    private static String key(SourceTable table, Serializable[] values, boolean[] present) throws IOException {
        StringBuilder out = new StringBuilder(24).append('[');
        for (int index : table.keyColumns()) {
            SourceColumn column = table.columns().get(index);
            if (!present[index]) {
                throw new IllegalStateException("the binlog row of " + table.qualifiedName() + " lacks key column "
                        + column.name() + ": set binlog_row_image=FULL on the source");
            }
            if (out.length() > 1) {
                out.append(',');
            }
            write(out, table, column, values[index]);
        }
        return out.append(']').toString();
    }

    /** Writes one value; a value that cannot be written fails naming its table too. */
    private static void write(StringBuilder out, SourceTable table, SourceColumn column, Serializable value)
            throws IOException {
        try {
            ValueWriter.write(out, column, value);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("source table " + table.qualifiedName() + ": " + e.getMessage(), e);
        }
    }

    private String row(SourceTable table, Serializable[] values, boolean[] present) throws IOException {
        StringBuilder out = new StringBuilder(rowLengthHint + 16).append('{');
        for (int i = 0; i < values.length; i++) {
            if (present[i]) {
                SourceColumn column = table.columns().get(i);
                if (out.length() > 1) {
                    out.append(',');
                }
                JsonText.appendString(out, column.name()).append(':');
                write(out, table, column, values[i]);
            }
        }
        rowLengthHint = out.length();
        return out.append('}').toString();
    }
}
