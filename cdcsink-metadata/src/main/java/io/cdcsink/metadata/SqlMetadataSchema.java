package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.TargetUnavailableException;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * cdc-sink's own schema in each target database ({@code --stagingDB}, default {@code _cdc_sink}). It lives next to
 * the target tables so that applying a window and recording it commit in one transaction. Created on first use and
 * remembered per database, so the hot path runs no DDL.
 *
 * <p>Other modules may keep tables here too ({@link #ensureTables}); names starting with
 * {@value StagingTableNames#PREFIX} and the names of the tables below are reserved.
 *
 * <ul>
 *   <li>{@value #STAGED_TABLES}: which staging table holds mutations of which target table;</li>
 *   <li>{@value #PENDING_TIMESTAMPS}: resolved timestamps received per target schema, stamped when applied;</li>
 *   <li>{@value #TIMESTAMPS}: the last applied resolved timestamp per target schema.</li>
 * </ul>
 */
public final class StagingArea {
    public static final String STAGED_TABLES = "staged_tables";
    public static final String PENDING_TIMESTAMPS = "pending_timestamps";
    public static final String TIMESTAMPS = "timestamps";

    /** Work on a connection of a DDL transaction. */
    @FunctionalInterface
    public interface DdlWork<T> {
        T run(Connection conn) throws SQLException;
    }

    private final TargetPools pools;
    private final String schema;
    private final StagingSql sql;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    @Inject
    public StagingArea(TargetPools pools, StagingConfig config) {
        this.pools = pools;
        this.schema = config.stagingSchema();
        this.sql = StagingSql.of(pools.dialect().product());
    }

    /** The raw name of the staging schema. */
    public String schema() {
        return schema;
    }

    public TargetDialect dialect() {
        return pools.dialect();
    }

    /** A table of the staging area as quoted SQL text for a connection to that database. */
    public String qualify(String database, String table) {
        return pools.dialect().qualify(new TableName(database, schema, table));
    }

    /**
     * Creates the staging schema and its core tables in the database unless this instance already did.
     *
     * @throws TargetUnavailableException when the DDL fails
     */
    public void ensure(String database) {
        ensureTables(database, "core", List.of(
                sql.createSchema(pools.dialect().quote(schema)),
                sql.createStagedTables(qualify(database, STAGED_TABLES)),
                sql.createPendingTimestamps(qualify(database, PENDING_TIMESTAMPS)),
                sql.createTimestamps(qualify(database, TIMESTAMPS))));
    }

    /**
     * Runs {@code CREATE ... IF NOT EXISTS} statements once per database and name (the staging schema must exist:
     * call {@link #ensure} first, or include it).
     *
     * @param name names the group of statements, e.g. {@code "jwt"}; a second call with the same name is free
     */
    public void ensureTables(String database, String name, List<String> ddl) {
        String done = database + '\0' + name;
        if (ensured.contains(done)) {
            return;
        }
        try {
            inDdlTransaction(database, conn -> {
                try (Statement s = conn.createStatement()) {
                    for (String statement : ddl) {
                        s.execute(statement);
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not create " + name + " tables in staging schema \""
                    + schema + "\" of database " + database + ": " + e.getMessage(), e);
        }
        ensured.add(done);
    }

    /**
     * Runs work on a fresh connection of the database, serialised against every other cdc-sink instance doing DDL
     * in this staging schema. On PostgreSQL one transaction holding an advisory lock (concurrent
     * {@code CREATE ... IF NOT EXISTS} can otherwise fail with a unique violation in the catalog); on CockroachDB
     * each statement commits by itself (see {@link CockroachStagingSql}).
     */
    public <T> T inDdlTransaction(String database, DdlWork<T> work) throws SQLException {
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            if (!sql.transactionalDdl()) {
                conn.setAutoCommit(true);
                return work.run(conn);
            }
            conn.setAutoCommit(false);
            try {
                if (sql.exclusiveLock().isPresent()) {
                    try (PreparedStatement lock = conn.prepareStatement(sql.exclusiveLock().get())) {
                        lock.setLong(1, LockKeys.ddl(schema));
                        lock.execute();
                    }
                }
                T result = work.run(conn);
                conn.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        }
    }

    /** True when the staging area's core tables exist in the connection's database (checked, not remembered). */
    public boolean existsIn(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.tableExists())) {
            ps.setString(1, schema);
            ps.setString(2, PENDING_TIMESTAMPS);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The schema's last applied resolved timestamp, read on {@code conn}; empty before its first window. */
    Optional<Hlc> lastApplied(Connection conn, SchemaName schema) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.lastApplied(qualify(schema.database(), TIMESTAMPS)))) {
            ps.setString(1, schema.schema());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Hlc(rs.getLong(1), rs.getInt(2))) : Optional.empty();
            }
        }
    }

    StagingSql sql() {
        return sql;
    }
}
