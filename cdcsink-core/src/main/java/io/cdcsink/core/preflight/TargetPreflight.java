package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.PgConstraintReader;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourceTable;
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
import java.util.List;
import java.util.Optional;

/**
 * The target half of every preflight: connectivity, the staging schema, and the target tables, compared with the
 * source's when there is a source. Only reads: it never creates anything.
 */
public final class TargetPreflight {
    private static final TargetDialect SQL = TargetDialect.of(TargetDialect.Product.POSTGRESQL);

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
        withPools(pools -> {
            String database = config.connection().defaultDatabase();
            if (!staging(pools, database, false)) {
                return;
            }
            TargetSchemaCatalog catalog = new TargetSchemaCatalog(pools);
            SchemaComparison comparison = new SchemaComparison(config.immediate()
                    ? SchemaComparison.Ordering.ARRIVAL : SchemaComparison.Ordering.TRANSACTIONS,
                    catalog.foreignKeys(database));
            int tables = 0;
            try (Connection conn = pools.forDatabase(database).getConnection()) {
                for (String schema : userSchemas(conn, config.stagingSchema())) {
                    for (TableName name : catalog.tables(new SchemaName(database, schema))) {
                        Optional<TableInfo> info = catalog.table(name);
                        if (info.isPresent()) {
                            tables++;
                            comparison.checkTarget(info.get(), PgConstraintReader.read(conn, schema, name.table()))
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
        withPools(pools -> {
            if (!staging(pools, database, true)) {
                return;
            }
            TargetSchemaCatalog catalog = new TargetSchemaCatalog(pools);
            SchemaComparison comparison = new SchemaComparison(outOfOrder
                    ? SchemaComparison.Ordering.ONE_PATH : SchemaComparison.Ordering.TRANSACTIONS,
                    catalog.foreignKeys(database), evolution);
            try (Connection conn = pools.forDatabase(database).getConnection()) {
                for (SourceTable source : sources) {
                    TableName target = source.target();
                    comparison.compare(source, catalog.table(target),
                            PgConstraintReader.read(conn, target.schema(), target.table())).forEach(report::add);
                }
            }
        });
    }

    private interface PoolsTask {
        void run(TargetPools pools) throws SQLException;
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
            task.run(pools);
        } catch (SQLException | RuntimeException e) {
            report.error("target " + config.connection(), "could not read the target's catalog: " + e.getMessage(),
                    "check that the user may read the target database's catalog");
        }
    }

    /** False when the database cannot be opened, so no table check makes sense. */
    private boolean staging(TargetPools pools, String database, boolean positionTable) throws SQLException {
        String schema = config.stagingSchema();
        String object = database + "." + schema;
        Connection conn;
        try {
            conn = pools.forDatabase(database).getConnection();
        } catch (BadInputException e) {
            report.error(database, "target database does not exist", "CREATE DATABASE " + SQL.quote(database));
            return false;
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
                                "GRANT USAGE, CREATE ON SCHEMA " + SQL.quote(schema) + " TO " + currentUser(conn));
                    }
                    return true;
                }
            }
            if (scalarBoolean(conn, "SELECT has_database_privilege(current_database(), 'CREATE')")) {
                report.ok(object, "staging schema does not exist yet; cdc-sink will create it");
            } else {
                report.error(object, "staging schema does not exist and this user may not create it",
                        "CREATE SCHEMA " + SQL.quote(schema) + " AUTHORIZATION " + currentUser(conn)
                                + " (as an administrator, in database " + database + ")");
            }
            return true;
        }
    }

    private static String positionTable(Connection conn, String schema) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, SQL.quote(schema) + ".logical_positions");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? "; position table logical_positions exists"
                        : "; position table logical_positions will be created";
            }
        }
    }

    private static List<String> userSchemas(Connection conn, String staging) throws SQLException {
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
            return SQL.quote(rs.getString(1));
        }
    }

    private static boolean scalarBoolean(Connection conn, String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
