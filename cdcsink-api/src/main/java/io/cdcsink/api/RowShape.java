package io.cdcsink.api;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The columns of a source table as a log-based source reports them: their names in the source's order and which of
 * them form the row's key, in key order. Every row of one table shares one shape until the table changes, so a
 * consumer works out what a shape means once (which target columns it feeds) and recognises it by identity.
 *
 * <p>A source that knows its columns' types may give each column the PostgreSQL type that holds its values (as
 * {@code docs/types.md} maps them): the target side then names it in the DDL it reports for a table or column the
 * target lacks, and runs that DDL itself under {@code --schemaEvolution additive}.
 */
public final class RowShape {
    private final String[] columns;
    private final int[] key;
    private final Map<String, Integer> positions;
    private final List<String> names;
    /** Null when the source gave no types; else one per column, null where unknown. */
    private final String[] types;

    /**
     * @param columns the column names, distinct, in the source's order
     * @param key     positions in {@code columns} of the key columns, in key order; at least one
     */
    public RowShape(List<String> columns, List<Integer> key) {
        this(columns, key, null);
    }

    /**
     * A shape whose columns' types are known.
     *
     * @param columns the column names, distinct, in the source's order
     * @param key     positions in {@code columns} of the key columns, in key order; at least one
     * @param types   per column, the PostgreSQL type that holds its values, e.g. {@code bigint},
     *                {@code numeric(12,4)}, {@code timestamp(6) with time zone}; an element may be null where the
     *                source cannot tell
     */
    public RowShape(List<String> columns, List<Integer> key, List<String> types) {
        this.columns = columns.toArray(String[]::new);
        if (types != null && types.size() != this.columns.length) {
            throw new IllegalArgumentException("a shape of " + this.columns.length + " columns has " + types.size()
                    + " types");
        }
        this.types = types == null ? null : types.toArray(String[]::new);
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

    /** The PostgreSQL type that holds the column's values, when the source said (see the class comment). */
    public Optional<String> type(int position) {
        Objects.checkIndex(position, columns.length);
        return types == null ? Optional.empty() : Optional.ofNullable(types[position]).filter(t -> !t.isBlank());
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
