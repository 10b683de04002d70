package io.cdcsink.apply;

import io.cdcsink.api.ColumnInfo;
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

    /** Reads a row; false when it has no received text or the fast path does not vouch for it. */
    boolean read(Row row) {
        return row.text().isPresent() && FlatJson.values(row.text().get(), names, positions, values, nulls);
    }
}
