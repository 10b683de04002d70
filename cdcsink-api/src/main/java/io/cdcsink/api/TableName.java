package io.cdcsink.api;

/** A fully qualified target table. Names are raw (unquoted) and case-sensitive. */
public record TableName(String database, String schema, String table) {
    public TableName {
        SchemaName.requireName("database", database);
        SchemaName.requireName("schema", schema);
        SchemaName.requireName("table", table);
    }

    public SchemaName schemaName() {
        return new SchemaName(database, schema);
    }

    @Override
    public String toString() {
        return database + "." + schema + "." + table;
    }
}
