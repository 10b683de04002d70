package io.cdcsink.engine;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The SQL flavour of the target, detected from {@code SELECT version()}. Modules keep their dialect-specific SQL in
 * one class per {@link Product}; this interface carries only what every module shares: identifier quoting and
 * qualification, and the check that a schema exists.
 */
@FunctionalInterface
public interface TargetDialect {
    /**
     * The target products cdc-sink knows. {@link #MYSQL} is MySQL and MariaDB: there a schema <em>is</em> a
     * database, so cdc-sink's schema part names the MySQL database that holds the tables (and its staging schema
     * {@code _cdc_sink} is a database of its own on the server); the database part only has to name an existing
     * database.
     */
    enum Product { POSTGRESQL, COCKROACHDB, MYSQL }

    Product product();

    /**
     * Quotes one identifier, doubling embedded quotes (backticks on MySQL, which reads double quotes as strings).
     * Every identifier in generated SQL goes through here.
     */
    default String quote(String ident) {
        if (product() == Product.MYSQL) {
            return '`' + ident.replace("`", "``") + '`';
        }
        return '"' + ident.replace("\"", "\"\"") + '"';
    }

    /**
     * The table as SQL text for a connection to the table's own database. PostgreSQL cannot reference another
     * database, so the database part is left out there, as on MySQL, where the schema part is the database;
     * CockroachDB gets all three parts.
     */
    default String qualify(TableName table) {
        String local = quote(table.schema()) + "." + quote(table.table());
        return product() == Product.COCKROACHDB ? quote(table.database()) + "." + local : local;
    }

    /**
     * Refuses a schema the connection's database does not have: a request naming one could never be applied.
     * {@code pg_namespace} answers the same on PostgreSQL and CockroachDB; on MySQL the schema is a database.
     *
     * @throws BadInputException when the schema does not exist
     */
    default void requireSchema(Connection conn, SchemaName schema) throws SQLException {
        if (product() == Product.MYSQL) {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
                ps.setString(1, schema.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new BadInputException("unknown schema " + schema + ": the target server has no database"
                                + " named `" + schema.schema() + "` (on MySQL the schema part names the database)");
                    }
                }
            }
            return;
        }
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

    /**
     * What every MySQL target session runs first: times in UTC (a {@code TIMESTAMP} column stores what it is given
     * in the session's zone), and strict modes, so a value a column cannot hold is an error rather than a silent
     * truncation or a zero date; string literals in generated SQL keep backslashes as they are.
     */
    String MYSQL_SESSION = "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
            + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_BACKSLASH_ESCAPES'";

    /** The statement every new connection to the target runs before use, if the product needs one. */
    default Optional<String> sessionSetup() {
        return product() == Product.MYSQL ? Optional.of(MYSQL_SESSION) : Optional.empty();
    }

    /** The dialect of a product. */
    static TargetDialect of(Product product) {
        return () -> product;
    }
}
