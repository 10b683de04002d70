package io.cdcsink.metadata;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.api.sql.Claims;
import io.cdcsink.engine.Positions;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Positions of logical-replication loops in the metadata schema of the target database that receives each loop's
 * rows: {@code <targetDB>._cdc_sink.}{@value #TABLE}{@code (loop_name, position, commit_time, updated_at)}, and in
 * {@value #LOOPS} the database each loop name writes into, which is what keeps two loops of one name apart where the
 * metadata is the server's (MySQL, CockroachDB).
 */
public final class SqlPositions implements Positions {
    public static final String TABLE = "logical_positions";
    /** Which database each loop name writes into: {@code (loop_name, target_db, claimed_at)}. */
    public static final String LOOPS = "logical_loops";

    private final TargetPools pools;
    private final SqlMetadataSchema area;
    private final MetadataSql sql;

    @Inject
    public SqlPositions(TargetPools pools, SqlMetadataSchema area) {
        this.pools = pools;
        this.area = area;
        this.sql = area.sql();
    }

    @Override
    public void prepare(String database) {
        area.ensureTables(database, TABLE, List.of(sql.createPositions(area.qualify(database, TABLE)),
                sql.createLoops(area.qualify(database, LOOPS))));
    }

    @Override
    public void claim(String database, String loopName) {
        String table = area.qualify(database, LOOPS);
        String holder;
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            holder = Claims.claim(conn, sql.claimLoop(table), sql.selectLoop(table), loopName, database);
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not record loop " + loopName + " in " + database + "."
                    + table + ": " + e.getMessage(), e);
        }
        if (!holder.equals(database)) {
            throw new IllegalArgumentException("--loopName " + loopName + " is taken by a loop into database "
                    + holder + " of this target, which keeps its position in the same " + table + ": give this loop"
                    + " its own --loopName (or delete that row if the other loop is gone for good)");
        }
    }

    @Override
    public Optional<LogicalPosition> load(String database, String loopName) {
        String table = area.qualify(database, TABLE);
        try (Connection conn = pools.forDatabase(database).getConnection();
             PreparedStatement ps = conn.prepareStatement(sql.selectPosition(table))) {
            ps.setString(1, loopName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LogicalPosition(rs.getString(1), sql.readTime(rs, 2)));
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read the position of loop " + loopName + " from "
                    + database + "." + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(Connection tx, String database, String loopName, LogicalPosition position)
            throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql.upsertPosition(area.qualify(database, TABLE)))) {
            ps.setString(1, loopName);
            ps.setString(2, position.text());
            sql.bindTime(ps, 3, position.commitTime());
            ps.executeUpdate();
        }
    }
}
