package io.cdcsink.engine;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQL flavour of the target, detected from {@code SELECT version()}. Modules keep their dialect-specific SQL in
 * one class per {@link Product}; this interface carries only what every module shares: identifier quoting and
 * qualification, and the check that a schema exists.
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

    /**
     * Refuses a schema the connection's database does not have: a request naming one could never be applied.
     * {@code pg_namespace} answers the same on PostgreSQL and CockroachDB.
     *
     * @throws BadInputException when the schema does not exist
     */
    default void requireSchema(Connection conn, SchemaName schema) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema.schema());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new BadInputException("unknown schema " + schema + ": the target database "
                            + schema.database() + " has no schema named \"" + schema.schema() + "\"");
                }
            }
        }
    }

    /** The dialect of a product. */
    static TargetDialect of(Product product) {
        return () -> product;
    }
}
