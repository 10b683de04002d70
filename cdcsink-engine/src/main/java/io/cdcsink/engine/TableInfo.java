package io.cdcsink.engine;

import io.cdcsink.api.TableName;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A target table's columns, in the table's own column order.
 *
 * @param name    the table
 * @param columns all columns, including generated ones
 */
public record TableInfo(TableName name, List<ColumnInfo> columns) {
    public TableInfo {
        columns = List.copyOf(columns);
    }

    /** Primary-key columns in key order. Empty when the table has no primary key. */
    public List<ColumnInfo> primaryKey() {
        return columns.stream().filter(ColumnInfo::primaryKey)
                .sorted(Comparator.comparingInt(ColumnInfo::pkPosition)).toList();
    }

    public Optional<ColumnInfo> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }
}
