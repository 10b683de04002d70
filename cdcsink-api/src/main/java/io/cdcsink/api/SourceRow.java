package io.cdcsink.api;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * One row as a log-based source reports it: values aligned with a {@link RowShape}, each in
 * {@link ValueFormat#TEXT} (the text the target column type's input function reads; {@code null} for SQL NULL), and
 * which columns the source left out (an unchanged PostgreSQL TOAST value): a left-out column keeps the value the
 * target row has. Key columns are never left out. For a delete only the key columns' values matter.
 *
 * <p>Values are held, not copied: the source hands over an array it no longer changes.
 */
public final class SourceRow {
    private final RowShape shape;
    private final String[] values;
    private final BitSet absent;

    private SourceRow(RowShape shape, String[] values, BitSet absent) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.values = Objects.requireNonNull(values, "values");
        this.absent = absent;
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("a row of " + shape.size() + " columns has " + values.length
                    + " values");
        }
        if (absent != null) {
            for (int i = 0; i < shape.keySize(); i++) {
                if (absent.get(shape.keyPosition(i))) {
                    throw new IllegalArgumentException("key column " + shape.column(shape.keyPosition(i))
                            + " cannot be left out");
                }
            }
        }
    }

    /** A row that carries every column. */
    public static SourceRow of(RowShape shape, String[] values) {
        return new SourceRow(shape, values, null);
    }

    /** A row that leaves the {@code absent} columns out (their positions in the shape); key columns never are. */
    public static SourceRow of(RowShape shape, String[] values, BitSet absent) {
        return new SourceRow(shape, values, absent == null || absent.isEmpty() ? null : (BitSet) absent.clone());
    }

    public RowShape shape() {
        return shape;
    }

    /** The value at a position: its text, or null for SQL NULL (and for a column left out). */
    public String value(int position) {
        return values[position];
    }

    /** Whether the source left the column at this position out. */
    public boolean absent(int position) {
        return absent != null && absent.get(position);
    }

    /** Whether the source left any column out. */
    public boolean complete() {
        return absent == null;
    }

    /** The value of the {@code i}-th key column. */
    public String keyValue(int i) {
        return values[shape.keyPosition(i)];
    }

    /** Whether the two rows have the same key values (their shapes' key columns are taken to match). */
    public boolean sameKey(SourceRow other) {
        if (shape.keySize() != other.shape.keySize()) {
            return false;
        }
        for (int i = 0; i < shape.keySize(); i++) {
            if (!Objects.equals(keyValue(i), other.keyValue(i))) {
                return false;
            }
        }
        return true;
    }

    /** A hash of the key values, the same in every process for the same values. */
    public int keyHash() {
        int h = 1;
        for (int i = 0; i < shape.keySize(); i++) {
            h = 31 * h + Objects.hashCode(keyValue(i));
        }
        return h;
    }

    /** A rough size in memory, for backpressure. */
    public long bytes() {
        long n = 16L * values.length;
        for (String v : values) {
            if (v != null) {
                n += v.length();
            }
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (absent(i)) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            JsonText.appendString(out, shape.column(i)).append(':');
            if (values[i] == null) {
                out.append("null");
            } else {
                JsonText.appendString(out, values[i]);
            }
        }
        return out.append('}').toString();
    }

    /** The key values as a JSON array of strings, e.g. {@code ["1","a"]}. */
    public String keyJson() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < shape.keySize(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String v = keyValue(i);
            if (v == null) {
                out.append("null");
            } else {
                JsonText.appendString(out, v);
            }
        }
        return out.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceRow other && shape == other.shape && Arrays.equals(values, other.values)
                && Objects.equals(absent, other.absent);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
