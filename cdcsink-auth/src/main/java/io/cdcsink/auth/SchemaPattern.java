package io.cdcsink.auth;

import io.cdcsink.api.SchemaName;

/**
 * A schema a token may write to: a database and a schema name, either of which may be {@value #WILDCARD}. Matching
 * is exact and case-sensitive.
 */
public record SchemaPattern(String database, String schema) {
    public static final String WILDCARD = "*";

    public SchemaPattern {
        if (database == null || database.isEmpty()) {
            throw new IllegalArgumentException("empty database name in schema pattern");
        }
        if (schema == null || schema.isEmpty()) {
            throw new IllegalArgumentException("empty schema name in schema pattern");
        }
    }

    /** Parses {@code database.schema}; exactly one dot. */
    public static SchemaPattern parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("could not interpret \"" + text + "\" as a schema name;"
                    + " expected database.schema");
        }
        return new SchemaPattern(parts[0], parts[1]);
    }

    public boolean matches(SchemaName name) {
        return (database.equals(WILDCARD) || database.equals(name.database()))
                && (schema.equals(WILDCARD) || schema.equals(name.schema()));
    }

    @Override
    public String toString() {
        return database + "." + schema;
    }
}
