package io.cdcsink.api;

/** A target database and a schema within it: the unit of consistent application. Names are case-sensitive. */
public record SchemaName(String database, String schema) {
    public SchemaName {
        requireName("database", database);
        requireName("schema", schema);
    }

    static void requireName(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new BadInputException("empty " + what + " name");
        }
        if (value.indexOf('\0') >= 0) {
            throw new BadInputException(what + " name contains a NUL character");
        }
    }

    public TableName table(String table) {
        return new TableName(database, schema, table);
    }

    @Override
    public String toString() {
        return database + "." + schema;
    }
}
