package io.cdcsink.api;

/**
 * The SQL flavour of the target, detected from {@code SELECT version()}. Modules keep their dialect-specific SQL in
 * one class per {@link Product}; this interface carries only what every module shares: identifier quoting and
 * qualification.
 */
@FunctionalInterface
public interface TargetDialect {
    /** The target products cdc-sink knows. */
    enum Product { POSTGRESQL, COCKROACHDB }

    Product product();

    /** Quotes one identifier, doubling embedded quotes. Every identifier in generated SQL goes through here. */
    default String quote(String ident) {
        return '"' + ident.replace("\"", "\"\"") + '"';
    }

    /**
     * The table as SQL text for a connection to the table's own database. PostgreSQL cannot reference another
     * database, so the database part is left out there; CockroachDB gets all three parts.
     */
    default String qualify(TableName table) {
        String local = quote(table.schema()) + "." + quote(table.table());
        return product() == Product.POSTGRESQL ? local : quote(table.database()) + "." + local;
    }

    /** The dialect of a product. */
    static TargetDialect of(Product product) {
        return () -> product;
    }
}
