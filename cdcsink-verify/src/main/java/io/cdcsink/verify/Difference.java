package io.cdcsink.verify;

import java.util.List;
import java.util.Objects;

/**
 * One row that differs: missing on the target, extra on the target, or changed (with the columns that differ and
 * both values, in each side's canonical text).
 *
 * @param key the row's key in canonical text, e.g. {@code (42)} or {@code (7, abc)}
 */
public record Difference(Type type, String key, List<ColumnDifference> columns) {
    /** How the row differs. */
    public enum Type {
        MISSING, EXTRA, CHANGED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A column whose values differ; {@code null} stands for SQL NULL. */
    public record ColumnDifference(String column, String source, String target) {
        public ColumnDifference {
            Objects.requireNonNull(column, "column");
        }
    }

    public Difference {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        columns = List.copyOf(columns);
    }
}
