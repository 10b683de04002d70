package io.cdcsink.metadata;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.Checkpoints;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Resolver;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Resolved timestamps in the metadata schema of each target database: queued in {@code pending_timestamps} by
 * {@link #mark}, recorded in {@code timestamps} by the resolver when their window has been applied
 * ({@link SqlResolvedTimestamps}).
 */
public final class SqlCheckpoints implements Checkpoints {
    private final TargetPools pools;
    private final SqlMetadataSchema area;
    private final MetadataSql sql;
    private final ResolvedTimestamps timestamps;
    private final Resolver resolver;

    @Inject
    public SqlCheckpoints(TargetPools pools, SqlMetadataSchema area, ResolvedTimestamps timestamps,
                          Resolver resolver) {
        this.pools = pools;
        this.area = area;
        this.sql = area.sql();
        this.timestamps = timestamps;
        this.resolver = resolver;
    }

    /**
     * Queues the timestamp unless it is already queued. A changefeed re-sends its last resolved timestamp after a
     * restart, so the same value again is accepted (and reported as not new) rather than rejected.
     *
     * @throws BadInputException          when a newer timestamp was already received for the schema
     * @throws TargetUnavailableException when the target fails
     */
    @Override
    public boolean mark(SchemaName schema, Hlc resolved) {
        timestamps.prepare(schema.database());
        String pending = area.qualify(schema.database(), SqlResolvedTimestamps.PENDING_TIMESTAMPS);
        boolean inserted;
        try (Connection conn = pools.forDatabase(schema.database()).getConnection()) {
            conn.setAutoCommit(false);
            try {
                inserted = markIn(conn, pending, schema, resolved);
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not record resolved timestamp " + resolved + " for "
                    + schema + ": " + e.getMessage(), e);
        }
        // Also on a repeat: after a restart the repeat may be the first sign of a schema with pending work.
        resolver.wake(schema);
        return inserted;
    }

    private boolean markIn(Connection conn, String pending, SchemaName schema, Hlc resolved) throws SQLException {
        // A resolved timestamp for a schema the target does not have could never be applied: refuse it (400) rather
        // than queue it.
        pools.dialect().requireSchema(conn, schema);
        // Serialise marks of one schema so "newest so far" cannot change between the check and the insert.
        Optional<String> exclusive = sql.exclusiveLock(area.qualify(schema.database(), MetadataSql.LOCKS));
        if (exclusive.isPresent()) {
            try (PreparedStatement lock = conn.prepareStatement(exclusive.get())) {
                lock.setLong(1, LockKeys.mark(schema.schema()));
                lock.execute();
            }
        }
        Optional<Hlc> newest;
        try (PreparedStatement ps = conn.prepareStatement(sql.newestPending(pending))) {
            ps.setString(1, schema.schema());
            newest = SqlResolvedTimestamps.hlc(ps);
        }
        if (newest.isPresent()) {
            if (newest.get().isAfter(resolved)) {
                throw new BadInputException("resolved timestamp " + resolved + " for " + schema
                        + " goes backwards: " + newest.get() + " already received");
            }
            if (newest.get().equals(resolved)) {
                return false;
            }
        }
        try (PreparedStatement ps = conn.prepareStatement(sql.insertPending(pending))) {
            ps.setString(1, schema.schema());
            ps.setLong(2, resolved.nanos());
            ps.setInt(3, resolved.logical());
            ps.executeUpdate();
        }
        return true;
    }

    @Override
    public Optional<Hlc> lastApplied(SchemaName schema) {
        timestamps.prepare(schema.database());
        try (Connection conn = pools.forDatabase(schema.database()).getConnection()) {
            return timestamps.lastApplied(conn, schema);
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read the last applied resolved timestamp of " + schema
                    + ": " + e.getMessage(), e);
        }
    }
}
