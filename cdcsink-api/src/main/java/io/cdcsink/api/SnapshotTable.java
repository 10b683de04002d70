package io.cdcsink.api;

import java.util.List;

/**
 * A table of a {@link Snapshot}.
 *
 * @param target  the table in the target that receives its rows
 * @param source  the table's name in the source, for messages ({@code public.orders}, {@code shop.orders})
 * @param columns the columns copied, in the order of the copied lines; the target's columns of the same names
 * @param key     the columns that order and cut the table into chunks: its primary key, or a unique key the user
 *                named; empty when the table has neither
 */
public record SnapshotTable(TableName target, String source, List<String> columns, List<String> key) {
    public SnapshotTable {
        if (target == null || source == null || columns == null || columns.isEmpty() || key == null) {
            throw new IllegalArgumentException("a snapshot table needs a target, a source name and columns");
        }
        columns = List.copyOf(columns);
        key = List.copyOf(key);
    }

    /** This table cut by other columns. */
    public SnapshotTable withKey(List<String> columns) {
        return new SnapshotTable(target, source, this.columns, columns);
    }
}
