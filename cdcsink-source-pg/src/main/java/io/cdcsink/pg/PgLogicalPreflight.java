package io.cdcsink.pg;

import io.cdcsink.api.sql.StartupCheck;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourcePreflight;
import io.cdcsink.api.preflight.SourceTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The source half of {@code cdc-sink preflight pglogical}: connectivity, the settings {@link PgPreflight} checks
 * (all reported, not just the first), the REPLICATION privilege, and the publication's tables.
 */
public final class PgLogicalPreflight implements SourcePreflight {
    private final PgLogicalConfig config;
    private final boolean createsSlot;

    public PgLogicalPreflight(PgLogicalConfig config) {
        this(config, false);
    }

    /** @param createsSlot {@code --snapshot initial}: a missing slot is created by the initial load */
    public PgLogicalPreflight(PgLogicalConfig config, boolean createsSlot) {
        this.config = config;
        this.createsSlot = createsSlot;
    }

    @Override
    public List<SourceTable> check(PreflightReport report) {
        String source = "source " + config.sourceConn();
        Connection conn;
        long started = System.nanoTime();
        try {
            conn = StartupCheck.connect(config.sourceConn(), config.sourceDatabase());
        } catch (SQLException e) {
            StartupCheck.Failure failure = StartupCheck.failure("source", config.sourceConn(),
                    config.sourceDatabase(), e, Duration.ofNanos(System.nanoTime() - started));
            report.error(source, failure.problem(), failure.fix());
            return List.of();
        }
        try (conn) {
            report.ok(source, "connected: " + scalar(conn, "SELECT version()"));
            if (!"t".equals(scalar(conn, "SELECT (rolreplication OR rolsuper)::text::char FROM pg_catalog.pg_roles"
                    + " WHERE rolname = current_user"))) {
                String user = scalar(conn, "SELECT current_user");
                report.error(source, "user " + user + " may not open a replication connection",
                        "ALTER ROLE " + PgPreflight.identifier(user) + " REPLICATION");
            }
            List<PgPreflight.Problem> problems = new PgPreflight(config, createsSlot).problems(conn);
            problems.forEach(p -> report.error(p.object(), p.problem(), p.fix()));
            boolean publicationMissing = problems.stream().anyMatch(p -> p.object().startsWith("source publication"));
            boolean slotMissing = createsSlot && !"t".equals(scalar(conn, "SELECT (count(*) > 0)::text::char FROM"
                    + " pg_catalog.pg_replication_slots WHERE slot_name = '" + config.slotName() + "'"));
            if (problems.isEmpty()) {
                report.ok(source, "wal_level is logical; publication " + config.publicationName() + (slotMissing
                        ? " exists; slot " + config.slotName() + " will be created by --snapshot initial"
                        : " and slot " + config.slotName() + " (pgoutput) exist"));
            }
            if (publicationMissing) {
                return List.of();
            }
            List<SourceTable> tables = new PgSourceCatalog(conn).publishedTables(config.publicationName(),
                    config.sourceDatabase(), config.targetDatabase());
            if (tables.isEmpty()) {
                report.warn("source publication " + config.publicationName(), "publishes no tables yet");
            }
            return tables;
        } catch (SQLException e) {
            report.error(source, "could not read the source's catalog: " + e.getMessage(),
                    "check that the user may read pg_catalog in " + config.sourceDatabase());
            return List.of();
        }
    }

    private static String scalar(Connection conn, String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
