package io.cdcsink.api.preflight;

import java.util.List;

/**
 * The constraints of one table that can make a target stricter than its source (the primary key is compared
 * separately).
 *
 * @param foreignKeys foreign keys declared on the table
 * @param uniqueKeys  unique constraints and unique indexes other than the primary key
 * @param checks      CHECK constraints
 */
public record TableConstraints(List<ForeignKey> foreignKeys, List<UniqueKey> uniqueKeys, List<Check> checks) {
    public static final TableConstraints NONE = new TableConstraints(List.of(), List.of(), List.of());

    public TableConstraints {
        foreignKeys = List.copyOf(foreignKeys);
        uniqueKeys = List.copyOf(uniqueKeys);
        checks = List.copyOf(checks);
    }

    /**
     * A foreign key.
     *
     * @param name       the constraint name
     * @param references the referenced table as the catalog prints it
     * @param deferred   DEFERRABLE INITIALLY DEFERRED: checked at commit, not per statement
     */
    public record ForeignKey(String name, String references, boolean deferred) {
    }

    /**
     * A unique constraint or unique index.
     *
     * @param name    the constraint or index name
     * @param columns the key columns; empty for an expression index
     * @param index   true for a unique index without a constraint ({@code DROP INDEX} removes it)
     */
    public record UniqueKey(String name, List<String> columns, boolean index) {
        public UniqueKey {
            columns = List.copyOf(columns);
        }
    }

    /**
     * A CHECK constraint.
     *
     * @param name       the constraint name
     * @param definition its text as the catalog prints it
     */
    public record Check(String name, String definition) {
    }
}
