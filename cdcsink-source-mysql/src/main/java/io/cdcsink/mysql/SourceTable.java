package io.cdcsink.mysql;

import io.cdcsink.api.TableName;
import java.util.List;
import java.util.Objects;

/**
 * A source table as the binlog describes it, and the target table its rows go to.
 *
 * @param sourceDatabase the MySQL/MariaDB database (schema) name
 * @param sourceTable    the table name in the source
 * @param target         where its rows are applied
 * @param columns        all columns in table order
 * @param keyColumns     positions of the primary-key columns in key order; empty when the table has no primary key
 */
public record SourceTable(String sourceDatabase, String sourceTable, TableName target, List<SourceColumn> columns,
                          List<Integer> keyColumns) {
    public SourceTable {
        Objects.requireNonNull(sourceDatabase, "sourceDatabase");
        Objects.requireNonNull(sourceTable, "sourceTable");
        Objects.requireNonNull(target, "target");
        columns = List.copyOf(columns);
        keyColumns = List.copyOf(keyColumns);
    }

    /** The source name, {@code db.table}. */
    public String qualifiedName() {
        return sourceDatabase + "." + sourceTable;
    }

    /** Fails with a clear message when rows of this table cannot be keyed. */
    public void requireKey() {
        if (keyColumns.isEmpty()) {
            throw new IllegalStateException("source table " + qualifiedName() + " has no primary key: mylogical "
                    + "cannot tell its rows apart; add a PRIMARY KEY in the source or exclude its database with "
                    + "--sourceDatabase");
        }
    }
}
