package io.cdcsink.api.preflight;

/**
 * One column of a source table as the source catalog describes it.
 *
 * @param name       the column name (raw, case-sensitive)
 * @param type       the source type as the source prints it, e.g. {@code character varying(20)} or
 *                   {@code int(10) unsigned}
 * @param targetType a target (PostgreSQL) type that holds every value, used in suggested DDL
 * @param nullable   the source column accepts NULL
 * @param keyPosition 1-based position in the source's primary key (or replica identity), 0 when not in it
 */
public record SourceColumn(String name, String type, String targetType, boolean nullable, int keyPosition) {
    public SourceColumn {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty source column name");
        }
        if (type == null || type.isBlank() || targetType == null || targetType.isBlank()) {
            throw new IllegalArgumentException("no type for source column " + name);
        }
        if (keyPosition < 0) {
            throw new IllegalArgumentException("negative key position for source column " + name);
        }
    }
}
