package io.cdcsink.mysql;

import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourcePreflight;
import io.cdcsink.api.preflight.SourceTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * The source half of {@code cdc-sink preflight mylogical}: connectivity, the binlog settings
 * {@link MyLogicalDialect#preflight()} requires (every wrong one reported), and the replicated tables.
 */
public final class MyLogicalPreflight implements SourcePreflight {
    private final MyLogicalConfig config;

    public MyLogicalPreflight(MyLogicalConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public List<SourceTable> check(PreflightReport report) {
        String source = "source " + config.sourceConn();
        Connection conn;
        try {
            conn = new SourceConnector(config.sourceConn()).sql();
        } catch (SQLException e) {
            report.error(source, "cannot connect: " + e.getMessage(),
                    "check --sourceConn, that the server runs and accepts this user");
            return List.of();
        }
        try (conn) {
            Flavor flavor;
            try {
                flavor = SourceServer.flavor(conn);
            } catch (IllegalStateException e) {
                report.error(source, e.getMessage(), "use MySQL 8 or MariaDB 10.5 or newer");
                return List.of();
            }
            report.ok(source, "connected: " + flavor.tag() + " " + version(conn));
            List<SourceServer.Problem> problems = SourceServer.settingProblems(conn, flavor);
            problems.forEach(p -> report.error("source setting " + p.variable(), p.problem(), p.fix()));
            if (problems.isEmpty()) {
                report.ok(source, "binlog settings are right for mylogical (GTIDs, ROW format, FULL row image and"
                        + " metadata)");
            }
            List<SourceTable> tables = MySqlSourceCatalog.tables(conn, config::replicates, config.targetDatabase(),
                    config.targetSchema());
            if (tables.isEmpty()) {
                report.warn(source, "no tables to replicate" + (config.sourceDatabases().isEmpty() ? ""
                        : " in " + String.join(", ", config.sourceDatabases())));
            }
            return tables;
        } catch (SQLException e) {
            report.error(source, "could not read the source's settings or catalog: " + e.getMessage(),
                    "grant the user SELECT on information_schema and REPLICATION CLIENT");
            return List.of();
        }
    }

    private static String version(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT @@version")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
