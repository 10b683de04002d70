package io.cdcsink.mysql;

/**
 * The PostgreSQL type that holds a MySQL/MariaDB column's values as mylogical writes them (docs/types.md, "MySQL and
 * MariaDB"), spelled as PostgreSQL's {@code format_type} spells it, for the DDL the target side reports or runs when
 * the target lacks the column.
 */
final class PostgresTypes {
    private PostgresTypes() {
    }

    /** The type, or null when the column's type has no mapping (the DDL then asks the operator to choose). */
    static String of(SourceColumn column) {
        boolean unsigned = column.unsigned();
        int meta = column.meta();
        return switch (column.type()) {
            case TINY, YEAR -> "smallint";
            case SHORT -> unsigned ? "integer" : "smallint";
            case INT24 -> "integer";
            case LONG -> unsigned ? "bigint" : "integer";
            case LONGLONG -> unsigned ? "numeric(20,0)" : "bigint";
            // The binlog writes the precision in the low byte and the scale in the high one.
            case NEWDECIMAL -> "numeric(" + (meta & 0xFF) + "," + (meta >> 8) + ")";
            case DECIMAL -> "numeric";
            case FLOAT -> "real";
            case DOUBLE -> "double precision";
            case BIT -> "bit(" + Math.max(1, (meta >> 8) * 8 + (meta & 0xFF)) + ")";
            case DATE, NEWDATE -> "date";
            case DATETIME, DATETIME_V2 -> "timestamp(" + meta + ") without time zone";
            case TIMESTAMP, TIMESTAMP_V2 -> "timestamp(" + meta + ") with time zone";
            case TIME, TIME_V2 -> "interval";
            case ENUM, SET -> "text";
            case STRING, VARCHAR, VAR_STRING, BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB ->
                    column.charset().isPresent() ? "text" : "bytea";
            case JSON -> "jsonb";
            case GEOMETRY, VECTOR -> "bytea";
            default -> null;
        };
    }
}
