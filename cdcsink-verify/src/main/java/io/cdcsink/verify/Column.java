package io.cdcsink.verify;

import java.util.Objects;

/**
 * A column of one side: its name, its type as that side's catalog names it ({@code typname} on PostgreSQL,
 * {@code DATA_TYPE} on MySQL) and the full type ({@code format_type}, {@code COLUMN_TYPE}).
 */
record Column(String name, String type, String fullType) {
    Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fullType, "fullType");
    }
}
