package io.cdcsink.metadata;

import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.MetadataSchema;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * cdc-sink's own schema in each target database ({@code --stagingDB}, default {@code _cdc_sink}). It lives next to
 * the target tables so that applying a window and recording it commit in one transaction. Created on first use and
 * remembered per database, so the hot path runs no DDL.
 *
 * <p>Every table in it is created here or by another class of this module, except the stager's ({@link
 * MetadataSchema}). Whichever part of cdc-sink comes first creates the schema together with the resolved-timestamp
 * tables ({@link #ensure}), as every release before did, so a database cdc-sink has written to always has them:
 * {@link SqlResolvedTimestamps#schemasWithPendingWork} tells such a database by them.
 */
public final class SqlMetadataSchema implements MetadataSchema {
    private final TargetPools pools;
    private final String schema;
    private final MetadataSql sql;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    @Inject
    public SqlMetadataSchema(TargetPools pools, MetadataConfig config) {
        this.pools = pools;
        this.schema = config.schema();
        this.sql = MetadataSql.of(pools.dialect().product());
    }

    /** The raw name of the schema. */
    String schema() {
        return schema;
    }

    @Override
    public String qualify(String database, String table) {
        return pools.dialect().qualify(new TableName(database, schema, table));
    }

    /**
     * Creates the schema and the resolved-timestamp tables in the database unless this instance already did.
     *
     * @throws TargetUnavailableException when the DDL fails
     */
    void ensure(String database) {
        List<String> ddl = new ArrayList<>(List.of(
                sql.createSchema(pools.dialect().quote(schema)),
                sql.createPendingTimestamps(qualify(database, SqlResolvedTimestamps.PENDING_TIMESTAMPS)),
                sql.createTimestamps(qualify(database, SqlResolvedTimestamps.TIMESTAMPS))));
        ddl.addAll(sql.createLocks(qualify(database, MetadataSql.LOCKS)));
        run(database, "core", ddl);
    }

    @Override
    public void ensureTables(String database, String group, List<String> ddl) {
        ensure(database);
        run(database, group, ddl);
    }

    private void run(String database, String name, List<String> ddl) {
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
     * {@inheritDoc} On PostgreSQL one transaction holding an advisory lock; on CockroachDB each statement commits by
     * itself (see {@link CockroachMetadataSql}).
     */
    @Override
    public <T> T inDdlTransaction(String database, DdlWork<T> work) throws SQLException {
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            if (!sql.transactionalDdl()) {
                conn.setAutoCommit(true);
                return work.run(conn);
            }
            conn.setAutoCommit(false);
            try {
                Optional<String> exclusive = sql.exclusiveLock(qualify(database, MetadataSql.LOCKS));
                if (exclusive.isPresent()) {
                    try (PreparedStatement lock = conn.prepareStatement(exclusive.get())) {
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

    /** True when the resolved-timestamp tables exist in the connection's database (checked, not remembered). */
    boolean existsIn(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.tableExists())) {
            ps.setString(1, schema);
            ps.setString(2, SqlResolvedTimestamps.PENDING_TIMESTAMPS);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    MetadataSql sql() {
        return sql;
    }
}
