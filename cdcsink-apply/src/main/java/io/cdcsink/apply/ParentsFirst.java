package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcsink.engine.ForeignKeyGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Orders the new rows of a table that references itself so that a row comes after the rows of the same batch it
 * references: a statement that inserts a child before its parent fails a foreign key checked per statement once the
 * rows are split over several statements. Rows on a cycle (a row referencing, through others, itself) keep their
 * order: only a deferrable constraint lets those in.
 */
final class ParentsFirst {
    private ParentsFirst() {
    }

    /** The rows, each after those it references through {@code selfReferences}; the same list when none does. */
    static List<Row> order(List<Row> rows, List<ForeignKeyGraph.ForeignKey> selfReferences) {
        return order(rows, Function.identity(), selfReferences);
    }

    /** Items ordered as {@link #order(List, List)} orders their rows. */
    static <T> List<T> order(List<T> items, Function<T, Row> rowOf, List<ForeignKeyGraph.ForeignKey> selfReferences) {
        if (items.size() < 2 || selfReferences.isEmpty()) {
            return items;
        }
        List<Row> rows = new ArrayList<>(items.size());
        for (T item : items) {
            rows.add(rowOf.apply(item));
        }
        int n = rows.size();
        int[][] parents = new int[n][];
        boolean any = false;
        for (ForeignKeyGraph.ForeignKey fk : selfReferences) {
            Map<List<String>, Integer> byKey = new HashMap<>(n * 4 / 3 + 1);
            for (int i = 0; i < n; i++) {
                List<String> key = values(rows.get(i), fk.parentColumns());
                if (key != null) {
                    byKey.put(key, i);
                }
            }
            for (int i = 0; i < n; i++) {
                List<String> ref = values(rows.get(i), fk.columns());
                Integer parent = ref == null ? null : byKey.get(ref);
                if (parent != null && parent != i) {
                    parents[i] = append(parents[i], parent);
                    any = true;
                }
            }
        }
        if (!any) {
            return items;
        }
        // Depth first without recursion: a chain of parents may be as long as the batch.
        byte[] state = new byte[n]; // 0 new, 1 on the path, 2 emitted
        List<T> out = new ArrayList<>(n);
        int[] stack = new int[n];
        int[] next = new int[n];
        for (int root = 0; root < n; root++) {
            if (state[root] != 0) {
                continue;
            }
            int depth = 0;
            stack[0] = root;
            next[0] = 0;
            state[root] = 1;
            while (depth >= 0) {
                int row = stack[depth];
                int[] ps = parents[row];
                if (ps != null && next[depth] < ps.length) {
                    int p = ps[next[depth]++];
                    if (state[p] == 0) {
                        state[p] = 1;
                        depth++;
                        stack[depth] = p;
                        next[depth] = 0;
                    }
                    // On the path (a cycle) or emitted: nothing to wait for.
                    continue;
                }
                state[row] = 2;
                out.add(items.get(row));
                depth--;
            }
        }
        return out;
    }

    /** The row's values of the columns as text; null when one is NULL or left out (no reference to follow). */
    private static List<String> values(Row row, List<String> columns) {
        List<String> out = new ArrayList<>(columns.size());
        for (String c : columns) {
            JsonNode v = row.get(c);
            if (v == null || v.isNull()) {
                return null;
            }
            out.add(v.isValueNode() ? v.asText() : v.toString());
        }
        return out;
    }

    private static int[] append(int[] array, int value) {
        if (array == null) {
            return new int[] {value};
        }
        int[] out = Arrays.copyOf(array, array.length + 1);
        out[array.length] = value;
        return out;
    }
}
