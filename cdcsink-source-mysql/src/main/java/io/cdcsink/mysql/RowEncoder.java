package io.cdcsink.mysql;

import io.cdcsink.api.RowShape;
import io.cdcsink.api.SourceRow;
import java.io.IOException;
import java.io.Serializable;
import java.util.BitSet;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one binlog row image into a {@link SourceRow}: each cell as the text the target's input function reads
 * ({@link ValueWriter}), aligned with the table's columns. Nothing here is JSON: this is the reader's hottest loop.
 * One encoder per reader thread.
 */
final class RowEncoder {
    /** Every row of one table map shares one shape. */
    private final Map<SourceTable, RowShape> shapes = new IdentityHashMap<>();

    SourceRow encode(SourceTable table, BitSet included, Serializable[] image) throws IOException {
        table.requireKey();
        int n = table.columns().size();
        String[] values = new String[n];
        BitSet absent = null;
        int next = 0;
        for (int i = 0; i < n; i++) {
            SourceColumn column = table.columns().get(i);
            if (!included.get(i)) {
                if (table.keyColumns().contains(i)) {
                    throw new IllegalStateException("the binlog row of " + table.qualifiedName() + " lacks key column "
                            + column.name() + ": set binlog_row_image=FULL on the source");
                }
                if (absent == null) {
                    absent = new BitSet(n);
                }
                absent.set(i);
                continue;
            }
            values[i] = text(table, column, image[next++]);
        }
        RowShape shape = shape(table);
        return absent == null ? SourceRow.of(shape, values) : SourceRow.of(shape, values, absent);
    }

    private RowShape shape(SourceTable table) {
        RowShape shape = shapes.get(table);
        if (shape == null) {
            if (shapes.size() > 1_000) {
                shapes.clear(); // table maps come and go with DDL: keep only the recent ones
            }
            List<String> types = new ArrayList<>(table.columns().size());
            for (SourceColumn c : table.columns()) {
                types.add(PostgresTypes.of(c));
            }
            shape = new RowShape(table.columns().stream().map(SourceColumn::name).toList(), table.keyColumns(),
                    types);
            shapes.put(table, shape);
        }
        return shape;
    }

    /** One value's text; a value that cannot be written fails naming its table too. */
    private static String text(SourceTable table, SourceColumn column, Serializable value) throws IOException {
        try {
            return ValueWriter.text(column, value);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("source table " + table.qualifiedName() + ": " + e.getMessage(), e);
        }
    }
}
