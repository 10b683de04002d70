package io.cdcsink.metadata;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The resolved timestamps of each target schema in two tables of the database's metadata schema:
 *
 * <ul>
 *   <li>{@value #PENDING_TIMESTAMPS}: resolved timestamps received per target schema, stamped when applied;</li>
 *   <li>{@value #TIMESTAMPS}: the last applied resolved timestamp per target schema.</li>
 * </ul>
 *
 * <p>Any number of instances may apply windows of one target: the claim is a per-schema lock taken inside the
 * window's transaction that lets one apply while the others back off (see {@link PostgresMetadataSql} and
 * {@link CockroachMetadataSql}).
 */
public final class SqlResolvedTimestamps implements ResolvedTimestamps {
    public static final String PENDING_TIMESTAMPS = "pending_timestamps";
    public static final String TIMESTAMPS = "timestamps";

    private final TargetPools pools;
    private final SqlMetadataSchema area;
    private final MetadataSql sql;

    @Inject
    public SqlResolvedTimestamps(TargetPools pools, SqlMetadataSchema area) {
        this.pools = pools;
        this.area = area;
        this.sql = area.sql();
    }

    @Override
    public void prepare(String database) {
        area.ensure(database);
    }

    @Override
    public Optional<Hlc> lastApplied(Connection conn, SchemaName schema) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.lastApplied(area.qualify(schema.database(),
                TIMESTAMPS)))) {
            ps.setString(1, schema.schema());
            return hlc(ps);
        }
    }

    /** Takes the schema's lock (or finds it taken) and reads the oldest unapplied window. */
    @Override
    public Claim claimOldest(Connection tx, SchemaName schema) throws SQLException {
        if (sql.tryExclusiveLock().isPresent()) {
            try (PreparedStatement ps = tx.prepareStatement(sql.tryExclusiveLock().get())) {
                ps.setLong(1, LockKeys.resolver(schema.schema()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return Claim.BLOCKED;
                    }
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(sql.oldestPending(pending(schema)))) {
            ps.setString(1, schema.schema());
            return new Claim(false, hlc(ps));
        } catch (SQLException e) {
            if (sql.lockNotAvailable(e)) {
                return Claim.BLOCKED;
            }
            throw e;
        }
    }

    @Override
    public Optional<Hlc> nextPending(Connection conn, SchemaName schema, Hlc after) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.nextPending(pending(schema)))) {
            ps.setString(1, schema.schema());
            ps.setLong(2, after.nanos());
            ps.setInt(3, after.logical());
            return hlc(ps);
        }
    }

    @Override
    public void recordApplied(Connection tx, SchemaName schema, Hlc resolved) throws SQLException {
        String pending = pending(schema);
        for (String statement : List.of(sql.markPendingApplied(pending),
                sql.upsertTimestamp(area.qualify(schema.database(), TIMESTAMPS)), sql.pruneApplied(pending))) {
            try (PreparedStatement ps = tx.prepareStatement(statement)) {
                ps.setString(1, schema.schema());
                ps.setLong(2, resolved.nanos());
                ps.setInt(3, resolved.logical());
                ps.executeUpdate();
            }
        }
    }

    @Override
    public List<SchemaName> schemasWithPendingWork(String database) throws SQLException {
        List<SchemaName> schemas = new ArrayList<>();
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            // Most databases on a server have no staging area; that is not an error.
            if (!area.existsIn(conn)) {
                return schemas;
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    sql.schemasWithPendingWork(area.qualify(database, PENDING_TIMESTAMPS)));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schemas.add(new SchemaName(database, rs.getString(1)));
                }
            }
        }
        return schemas;
    }

    private String pending(SchemaName schema) {
        return area.qualify(schema.database(), PENDING_TIMESTAMPS);
    }

    /** The (nanos, logical) of the statement's first row, if it has one. */
    static Optional<Hlc> hlc(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Hlc(rs.getLong(1), rs.getInt(2))) : Optional.empty();
        }
    }
}
