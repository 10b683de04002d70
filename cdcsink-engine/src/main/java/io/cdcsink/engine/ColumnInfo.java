package io.cdcsink.engine;

/**
 * One column of a target table as the target describes it.
 *
 * @param name       raw column name
 * @param type       SQL type text usable in a cast, e.g. {@code numeric(10,2)}, {@code text[]}
 * @param pkPosition 1-based position in the primary key, or 0 when not part of it
 * @param generated  computed by the target (generated/computed column): never written
 * @param hasDefault the column has a DEFAULT expression
 * @param nullable   the column accepts NULL
 * @param json       the column holds JSON documents: {@code json}, {@code jsonb}, or a domain over one
 */
public record ColumnInfo(String name, String type, int pkPosition, boolean generated, boolean hasDefault,
                         boolean nullable, boolean json) {
    public ColumnInfo {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty column name");
        }
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("empty type for column " + name);
        }
        if (pkPosition < 0) {
            throw new IllegalArgumentException("negative key position for column " + name);
        }
    }

    /** A column whose type text alone says whether it holds JSON ({@code json}, {@code jsonb}, any case). */
    public ColumnInfo(String name, String type, int pkPosition, boolean generated, boolean hasDefault,
                      boolean nullable) {
        this(name, type, pkPosition, generated, hasDefault, nullable,
                "json".equalsIgnoreCase(type) || "jsonb".equalsIgnoreCase(type));
    }

    public boolean primaryKey() {
        return pkPosition > 0;
    }
}
