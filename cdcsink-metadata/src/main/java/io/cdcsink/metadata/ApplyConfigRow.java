package io.cdcsink.metadata;

import io.cdcsink.api.TableName;
import java.time.Duration;
import java.util.Objects;

/**
 * One row of {@code apply_config}: the configuration of one column of one target table.
 *
 * @param table    the target table
 * @param column   the target column (for {@code ignore}, the source property name)
 * @param casOrder 1-based position among the table's CAS columns, 0 when not a CAS column
 * @param deadline how old the column's incoming value may be; zero or negative: no deadline
 * @param expr     substitute expression, empty for none
 * @param extras   the column gathers unknown properties
 * @param ignore   the property is dropped
 * @param srcName  the source property that feeds the column, empty for its own name
 */
record ApplyConfigRow(TableName table, String column, int casOrder, Duration deadline, String expr, boolean extras,
                      boolean ignore, String srcName) {
    ApplyConfigRow {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(expr, "expr");
        Objects.requireNonNull(srcName, "srcName");
        if (column == null || column.isEmpty()) {
            throw new IllegalArgumentException("empty target_column for table " + table);
        }
        if (casOrder < 0) {
            throw new IllegalArgumentException("negative cas_order for column " + column + " of table " + table);
        }
    }
}
