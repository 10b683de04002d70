package io.cdcsink.api.preflight;

import io.cdcsink.api.TableName;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A replicated source table and the target table its rows go to.
 *
 * @param name        the source table as users know it, e.g. {@code app.public.orders} or {@code shop.orders}
 * @param target      where cdc-sink writes its rows
 * @param columns     the source columns in table order
 * @param constraints the source's unique keys and checks (foreign keys are not used)
 */
public record SourceTable(String name, TableName target, List<SourceColumn> columns, TableConstraints constraints) {
    public SourceTable {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("empty source table name");
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(constraints, "constraints");
        columns = List.copyOf(columns);
    }

    /** The key column names in key order; empty without a key. */
    public List<String> key() {
        return columns.stream().filter(c -> c.keyPosition() > 0)
                .sorted(Comparator.comparingInt(SourceColumn::keyPosition)).map(SourceColumn::name).toList();
    }
}
