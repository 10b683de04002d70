package io.cdcsink.core.logical;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.staging.StagingArea;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Positions of logical-replication loops, kept in the staging schema of the target database that receives the
 * loop's rows, so a position is written in the same transaction as the data it covers:
 * {@code <targetDB>._cdc_sink.logical_positions(loop_name, position, commit_time, updated_at)}.
 */
final class PositionStore {
    static final String TABLE = "logical_positions";

    private final StagingArea area;
    private final DataSource pool;
    private final String database;
    private final String loopName;
    private final String table;

    PositionStore(StagingArea area, DataSource pool, String database, String loopName) {
        this.area = area;
        this.pool = pool;
        this.database = database;
        this.loopName = loopName;
        this.table = area.qualify(database, TABLE);
    }

    /** Creates the staging schema and the positions table unless they exist. */
    void ensure() {
        area.ensure(database);
        area.ensureTables(database, TABLE, List.of("CREATE TABLE IF NOT EXISTS " + table
                + " (loop_name TEXT PRIMARY KEY, position TEXT NOT NULL, commit_time TIMESTAMPTZ NOT NULL,"
                + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
    }

    /** The stored position of this loop, if any. */
    Optional<LogicalPosition> load() {
        try (Connection conn = pool.getConnection();
             PreparedStatement ps = conn.prepareStatement("SELECT position, commit_time FROM " + table
                     + " WHERE loop_name = ?")) {
            ps.setString(1, loopName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LogicalPosition(rs.getString(1), rs.getTimestamp(2).toInstant()));
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read the position of loop " + loopName + " from "
                    + database + "." + table + ": " + e.getMessage(), e);
        }
    }

    /** Records the position on the caller's connection (inside its transaction, if one is open). */
    void save(Connection tx, LogicalPosition position) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + table
                + " (loop_name, position, commit_time, updated_at) VALUES (?, ?, ?, now())"
                + " ON CONFLICT (loop_name) DO UPDATE SET position = excluded.position,"
                + " commit_time = excluded.commit_time, updated_at = excluded.updated_at")) {
            ps.setString(1, loopName);
            ps.setString(2, position.text());
            ps.setTimestamp(3, Timestamp.from(position.commitTime()));
            ps.executeUpdate();
        }
    }
}
