package io.cdcsink.api;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a source table as a log-based source reports them: their names in the source's order and which of
 * them form the row's key, in key order. Every row of one table shares one shape until the table changes, so a
 * consumer works out what a shape means once (which target columns it feeds) and recognises it by identity.
 */
public final class RowShape {
    private final String[] columns;
    private final int[] key;
    private final Map<String, Integer> positions;
    private final List<String> names;

    /**
     * @param columns the column names, distinct, in the source's order
     * @param key     positions in {@code columns} of the key columns, in key order; at least one
     */
    public RowShape(List<String> columns, List<Integer> key) {
        this.columns = columns.toArray(String[]::new);
        this.names = List.of(this.columns);
        this.key = key.stream().mapToInt(Integer::intValue).toArray();
        this.positions = new HashMap<>(this.columns.length * 2);
        for (int i = 0; i < this.columns.length; i++) {
            if (this.columns[i] == null || this.columns[i].isEmpty()) {
                throw new IllegalArgumentException("empty column name at position " + i);
            }
            if (positions.put(this.columns[i], i) != null) {
                throw new IllegalArgumentException("column " + this.columns[i] + " appears twice");
            }
        }
        if (this.key.length == 0) {
            throw new IllegalArgumentException("a row shape needs at least one key column");
        }
        for (int k : this.key) {
            if (k < 0 || k >= this.columns.length) {
                throw new IllegalArgumentException("key position " + k + " is not a column position");
            }
        }
    }

    /** The number of columns. */
    public int size() {
        return columns.length;
    }

    public String column(int position) {
        return columns[position];
    }

    public List<String> columns() {
        return names;
    }

    /** The position of a column, or -1 when the shape has none of that name. */
    public int position(String column) {
        return positions.getOrDefault(column, -1);
    }

    /** The number of key columns. */
    public int keySize() {
        return key.length;
    }

    /** The position in the row of the {@code i}-th key column. */
    public int keyPosition(int i) {
        return key[i];
    }

    @Override
    public String toString() {
        return "RowShape" + Arrays.toString(columns) + " key " + Arrays.toString(key);
    }
}
