package io.cdcsink.apply;

import io.cdcsink.api.RowShape;
import io.cdcsink.api.SourceRow;
import java.util.BitSet;
import java.util.List;

/** Rows of a log-based source for tests: the shape (k, big, v) keyed by k, values by position. */
final class SourceRows {
    /** Leaves the column out, as an unchanged TOAST value. */
    static final String ABSENT = "<absent>";
    static final RowShape K_BIG_V = new RowShape(List.of("k", "big", "v"), List.of(0));

    private SourceRows() {
    }

    /** A row of {@code shape}; {@link #ABSENT} leaves a column out, null is NULL. */
    static SourceRow row(RowShape shape, String... values) {
        BitSet absent = new BitSet();
        String[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            if (ABSENT.equals(copy[i])) {
                absent.set(i);
                copy[i] = null;
            }
        }
        return SourceRow.of(shape, copy, absent);
    }

    static SourceRow row(String... values) {
        return row(K_BIG_V, values);
    }
}
