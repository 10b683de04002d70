package io.cdcsink.pg;

import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.pg.PgOutputMessage.Column;
import io.cdcsink.pg.PgOutputMessage.Relation;
import java.util.List;
import java.util.Objects;

/**
 * What the stream knows about one source table: its target name, its columns and which of them form the key.
 *
 * @param keyIndexes positions of the key columns in {@code relation.columns()}, in key order; empty when the table
 *                   has no usable key
 */
record RelationInfo(TableName table, Relation relation, List<Integer> keyIndexes, RowShape shape) {
    RelationInfo {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(relation, "relation");
        keyIndexes = List.copyOf(keyIndexes);
    }

    /** The relation with its rows' shape (none without a key: such a table's rows are refused). */
    static RelationInfo of(TableName table, Relation relation, List<Integer> keyIndexes) {
        return of(table, relation, keyIndexes, List.of());
    }

    /**
     * As {@link #of(TableName, Relation, List)}, the shape giving each column's type.
     *
     * @param types the source's type names, one per column of the relation; empty when unknown
     */
    static RelationInfo of(TableName table, Relation relation, List<Integer> keyIndexes, List<String> types) {
        RowShape shape = keyIndexes.isEmpty() ? null
                : new RowShape(relation.columns().stream().map(Column::name).toList(), keyIndexes,
                        types.isEmpty() ? null : types);
        return new RelationInfo(table, relation, keyIndexes, shape);
    }

    String columnName(int index) {
        return relation.columns().get(index).name();
    }

    boolean isKey(int index) {
        return keyIndexes.contains(index);
    }

    /** Fails with a message naming the table when it has no key: rows cannot be matched without one. */
    void requireKey() {
        if (keyIndexes.isEmpty()) {
            throw new IllegalStateException("table " + table + " has no primary key / replica identity; cdc-sink "
                    + "needs one (add a PRIMARY KEY, or ALTER TABLE ... REPLICA IDENTITY USING INDEX / FULL)");
        }
    }
}
