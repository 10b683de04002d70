package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.PgConstraintReader;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourceTable;
import io.cdcsink.api.preflight.TableConstraints;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.apply.TargetSchemaCatalog;
import io.cdcsink.core.HikariTargetPools;
import io.cdcsink.core.TargetCheckException;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.TargetServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The target half of every preflight: connectivity, the staging schema, and the target tables, compared with the
 * source's when there is a source. Only reads: it never creates anything.
 *
 * <p>On MySQL and MariaDB the staging schema is a database of its own on the server, the schema part of a table names
 * the database that holds it, and the privileges come from {@code information_schema}'s grant tables (grants through
 * a role are not seen there, so a missing grant is a warning, not an error).
 */
public final class TargetPreflight {
    private static final TargetDialect PG = TargetDialect.of(TargetDialect.Product.POSTGRESQL);

    /** What cdc-sink does in its staging database on MySQL: creates its tables, reads and writes them. */
    private static final List<String> MYSQL_STAGING_PRIVILEGES = List.of("CREATE", "SELECT", "INSERT", "UPDATE",
            "DELETE");

    private static final String MYSQL_PRIVILEGES = """
            SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?
             UNION
            SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES
             WHERE GRANTEE = ? AND ? LIKE TABLE_SCHEMA ESCAPE CHAR(92)""";

    private static final String SCHEMA_PRIVILEGES = """
            SELECT has_schema_privilege(n.oid, 'CREATE') AND has_schema_privilege(n.oid, 'USAGE')
              FROM pg_catalog.pg_namespace n WHERE n.nspname = ?""";

    private static final String USER_SCHEMAS = """
            SELECT nspname FROM pg_catalog.pg_namespace
             WHERE nspname NOT IN ('information_schema', 'crdb_internal', 'pg_extension') AND nspname <> ?
               AND nspname NOT LIKE 'pg\\_%'
             ORDER BY nspname""";

    private final TargetConfig config;
    private final PreflightReport report;

    public TargetPreflight(TargetConfig config, PreflightReport report) {
        this.config = config;
        this.report = report;
    }

    /** Webhook mode ({@code start}): the {@code --conn} database's staging schema and every user table in it. */
    public void checkStart() {
        withPools((pools, dialect) -> {
            String database = config.connection().defaultDatabase();
            if (!staging(pools, dialect, database, false)) {
                return;
            }
            TargetSchemaCatalog catalog = new TargetSchemaCatalog(pools);
            SchemaComparison comparison = new SchemaComparison(config.immediate()
                    ? SchemaComparison.Ordering.ARRIVAL : SchemaComparison.Ordering.TRANSACTIONS,
                    catalog.foreignKeys(database), SchemaEvolution.NONE, dialect);
            int tables = 0;
            try (Connection conn = pools.forDatabase(database).getConnection()) {
                for (String schema : userSchemas(conn, dialect, database, config.stagingSchema())) {
                    for (TableName name : catalog.tables(new SchemaName(database, schema))) {
                        Optional<TableInfo> info = catalog.table(name);
                        if (info.isPresent()) {
                            tables++;
                            comparison.checkTarget(info.get(), constraints(conn, dialect, schema, name.table()))
                                    .forEach(report::add);
                        }
                    }
                }
            }
            if (tables == 0) {
                report.warn(database, "no tables yet: create the target tables before the changefeed sends rows");
            }
        });
    }

    /**
     * Logical modes: the staging schema and position table in {@code database}, then each source table against
     * its target table.
     *
     * @param outOfOrder {@code --immediate} or a backfill window: rows of different tables may arrive in any order
     */
    public void checkLogical(String database, List<SourceTable> sources, boolean outOfOrder) {
        checkLogical(database, sources, outOfOrder, SchemaEvolution.NONE);
    }

    /** As {@link #checkLogical(String, List, boolean)}, for a loop run with {@code --schemaEvolution}. */
    public void checkLogical(String database, List<SourceTable> sources, boolean outOfOrder,
                             SchemaEvolution evolution) {
        withPools((pools, dialect) -> {
            if (!staging(pools, dialect, database, true)) {
                return;
            }
            TargetSchemaCatalog catalog = new TargetSchemaCatalog(pools);
            SchemaComparison comparison = new SchemaComparison(outOfOrder
                    ? SchemaComparison.Ordering.ONE_PATH : SchemaComparison.Ordering.TRANSACTIONS,
                    catalog.foreignKeys(database), evolution, dialect);
            try (Connection conn = pools.forDatabase(database).getConnection()) {
                if (dialect.product() == TargetDialect.Product.MYSQL) {
                    schemasExist(conn, dialect, sources);
                }
                for (SourceTable source : sources) {
                    TableName target = source.target();
                    comparison.compare(source, catalog.table(target),
                            constraints(conn, dialect, target.schema(), target.table())).forEach(report::add);
                }
            }
        });
    }

    /**
     * On MySQL the schema part names a database: a target schema that no database has is its own finding (the
     * per-table ones would only say each table is missing), with the statement that creates it.
     */
    private void schemasExist(Connection conn, TargetDialect dialect, List<SourceTable> sources) throws SQLException {
        Set<String> seen = new LinkedHashSet<>();
        for (SourceTable source : sources) {
            String schema = source.target().schema();
            if (seen.add(schema) && !mysqlDatabaseExists(conn, schema)) {
                report.error(source.target().database() + "." + schema, "the target server has no database `"
                        + schema + "`: on MySQL the schema part (--targetSchema) names the database that holds the"
                        + " tables", "CREATE DATABASE " + dialect.quote(schema));
            }
        }
    }

    private static TableConstraints constraints(Connection conn, TargetDialect dialect, String schema, String table)
            throws SQLException {
        return dialect.product() == TargetDialect.Product.MYSQL ? MySqlConstraintReader.read(conn, schema, table)
                : PgConstraintReader.read(conn, schema, table);
    }

    private interface PoolsTask {
        void run(TargetPools pools, TargetDialect dialect) throws SQLException;
    }

    private void withPools(PoolsTask task) {
        TargetServer server;
        try {
            server = TargetServer.check(config);
        } catch (TargetCheckException e) {
            report.error("target " + config.connection(), e.problem(), e.fix());
            return;
        }
        try (TargetPools pools = new HikariTargetPools(config.withMaxPoolSize(2), server.dialect(),
                new PrometheusRegistry())) {
            report.ok("target " + config.connection(), "connected: " + server.version());
            task.run(pools, server.dialect());
        } catch (SQLException | RuntimeException e) {
            report.error("target " + config.connection(), "could not read the target's catalog: " + e.getMessage(),
                    "check that the user may read the target database's catalog");
        }
    }

    /** False when the database cannot be opened, so no table check makes sense. */
    private boolean staging(TargetPools pools, TargetDialect dialect, String database, boolean positionTable)
            throws SQLException {
        String schema = config.stagingSchema();
        String object = database + "." + schema;
        Connection conn;
        try {
            conn = pools.forDatabase(database).getConnection();
        } catch (BadInputException e) {
            report.error(database, "target database does not exist", "CREATE DATABASE " + dialect.quote(database));
            return false;
        }
        if (dialect.product() == TargetDialect.Product.MYSQL) {
            try (conn) {
                mysqlStaging(conn, dialect, schema, positionTable);
            }
            return true;
        }
        try (conn; PreparedStatement ps = conn.prepareStatement(SCHEMA_PRIVILEGES)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(1)) {
                        report.ok(object, "staging schema exists and is writable"
                                + (positionTable ? positionTable(conn, schema) : ""));
                    } else {
                        report.error(object, "staging schema exists but this user may not create tables in it",
                                "GRANT USAGE, CREATE ON SCHEMA " + PG.quote(schema) + " TO " + currentUser(conn));
                    }
                    return true;
                }
            }
            if (scalarBoolean(conn, "SELECT has_database_privilege(current_database(), 'CREATE')")) {
                report.ok(object, "staging schema does not exist yet; cdc-sink will create it");
            } else {
                report.error(object, "staging schema does not exist and this user may not create it",
                        "CREATE SCHEMA " + PG.quote(schema) + " AUTHORIZATION " + currentUser(conn)
                                + " (as an administrator, in database " + database + ")");
            }
            return true;
        }
    }

    /**
     * MySQL: the staging schema is a database of the server, which cdc-sink creates when it is missing; the user
     * needs {@link #MYSQL_STAGING_PRIVILEGES} on it, granted on the database or globally.
     */
    private void mysqlStaging(Connection conn, TargetDialect dialect, String schema, boolean positionTable)
            throws SQLException {
        String grantee = mysqlGrantee(conn);
        Set<String> held = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement(MYSQL_PRIVILEGES)) {
            ps.setString(1, grantee);
            ps.setString(2, grantee);
            ps.setString(3, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getString(1));
                }
            }
        }
        List<String> lacking = MYSQL_STAGING_PRIVILEGES.stream().filter(p -> !held.contains(p)).toList();
        if (!lacking.isEmpty() && !anyGrantVisible(conn)) {
            // Every user sees at least its own USAGE row, unless the server runs without grant tables.
            lacking = List.of();
        }
        boolean exists = mysqlDatabaseExists(conn, schema);
        String object = "staging database " + schema;
        String grant = "GRANT " + String.join(", ", MYSQL_STAGING_PRIVILEGES) + " ON " + dialect.quote(schema)
                + ".* TO " + grantee;
        if (lacking.isEmpty()) {
            report.ok(object, exists ? "exists and is writable" + (positionTable ? mysqlPositionTable(conn, schema)
                    : "") : "does not exist yet; cdc-sink will create it");
        } else {
            report.warn(object, (exists ? "exists, but" : "does not exist yet, and") + " no grant of this user's"
                    + " gives " + String.join(", ", lacking) + " on it (grants through a role are not seen here)",
                    exists ? grant : "CREATE DATABASE " + dialect.quote(schema) + "; " + grant);
        }
    }

    private static boolean anyGrantVisible(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM information_schema.USER_PRIVILEGES LIMIT 1")) {
            return rs.next();
        }
    }

    /** The current user as {@code information_schema}'s grant tables name it: {@code 'user'@'host'}. */
    private static String mysqlGrantee(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String user = rs.getString(1);
            int at = user.lastIndexOf('@');
            return "'" + user.substring(0, Math.max(0, at)) + "'@'" + user.substring(at + 1) + "'";
        }
    }

    private static boolean mysqlDatabaseExists(Connection conn, String database) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String mysqlPositionTable(Connection conn, String schema) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'logical_positions'")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? "; position table logical_positions exists"
                        : "; position table logical_positions will be created";
            }
        }
    }

    private static String positionTable(Connection conn, String schema) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, PG.quote(schema) + ".logical_positions");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? "; position table logical_positions exists"
                        : "; position table logical_positions will be created";
            }
        }
    }

    /**
     * The schemas whose tables webhook mode may write. On MySQL a schema is a database: the connection's own
     * database is checked (a request may name another, which preflight does not guess).
     */
    private static List<String> userSchemas(Connection conn, TargetDialect dialect, String database, String staging)
            throws SQLException {
        if (dialect.product() == TargetDialect.Product.MYSQL) {
            return List.of(database);
        }
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(USER_SCHEMAS)) {
            ps.setString(1, staging);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String currentUser(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return PG.quote(rs.getString(1));
        }
    }

    private static boolean scalarBoolean(Connection conn, String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
