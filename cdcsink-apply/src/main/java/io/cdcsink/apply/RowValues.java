package io.cdcsink.apply;

import io.cdcsink.engine.ColumnInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads received rows of one column list into arrays reused from row to row, with {@link FlatJson#values}: each
 * column's value as the text {@code jsonb_populate_recordset} hands its input function, or null.
 */
final class RowValues {
    private final String[] names;
    private final Map<String, Integer> positions;
    /** The last row's values by column position; null where the row has none or a JSON null. */
    final String[] values;
    /** The last row's JSON nulls by column position. */
    final boolean[] nulls;

    RowValues(List<ColumnInfo> columns) {
        names = columns.stream().map(ColumnInfo::name).toArray(String[]::new);
        positions = new HashMap<>(columns.size() * 2);
        for (int i = 0; i < names.length; i++) {
            positions.put(names[i], i);
        }
        values = new String[columns.size()];
        nulls = new boolean[columns.size()];
    }

    /** The last typed row read, and where each of its values goes: rows of one shape share their names. */
    private Row lastTyped;
    private int[] lastPositions;

    /**
     * Reads a row; false when it is neither typed nor has received text, or the fast path does not vouch for its
     * text, or it names a column this reader does not know.
     */
    boolean read(Row row) {
        if (row.typed()) {
            return readTyped(row);
        }
        return row.text().isPresent() && FlatJson.values(row.text().get(), names, positions, values, nulls);
    }

    private boolean readTyped(Row row) {
        if (!row.namedAs(lastTyped)) {
            int[] at = new int[row.size()];
            for (int i = 0; i < at.length; i++) {
                Integer p = positions.get(row.name(i));
                if (p == null) {
                    return false;
                }
                at[i] = p;
            }
            lastTyped = row;
            lastPositions = at;
        }
        Arrays.fill(values, null);
        Arrays.fill(nulls, false);
        for (int i = 0; i < lastPositions.length; i++) {
            String v = row.value(i);
            values[lastPositions[i]] = v;
            nulls[lastPositions[i]] = v == null;
        }
        return true;
    }
}
