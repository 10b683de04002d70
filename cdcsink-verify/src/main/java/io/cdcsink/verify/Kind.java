package io.cdcsink.verify;

import java.util.Locale;

/**
 * How values of a column compare: each side renders its column into the same canonical text for values that mean the
 * same, chosen by the target column's type. Numbers compare by value ({@code 1.50 = 1.5}, an integer column and a
 * decimal one alike), timestamps with a time zone as UTC instants, bytes as hex, booleans as 1/0; JSON compares as
 * parsed documents (object key order, white space and number spelling do not count) in cdc-sink, not in the database.
 */
enum Kind {
    NUMBER, FLOAT, BOOLEAN, TEXT, BITS, DATE, TIMESTAMP, TIMESTAMPTZ, BYTES, JSON;

    /** The kind of a PostgreSQL column by its type's name ({@code pg_type.typname}). */
    static Kind ofPostgres(String typname) {
        return switch (typname.toLowerCase(Locale.ROOT)) {
            case "int2", "int4", "int8", "numeric", "oid" -> NUMBER;
            case "float4", "float8" -> FLOAT;
            case "bool" -> BOOLEAN;
            case "bit", "varbit" -> BITS;
            case "date" -> DATE;
            case "timestamp" -> TIMESTAMP;
            case "timestamptz" -> TIMESTAMPTZ;
            case "bytea" -> BYTES;
            case "json", "jsonb" -> JSON;
            default -> TEXT;
        };
    }

    /** True when the database hashes the canonical text; JSON is compared parsed by cdc-sink. */
    boolean hashed() {
        return this != JSON;
    }
}
