package io.cdcsink.core.logical;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.Positions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One loop's position, kept by {@link Positions} in the target database that receives the loop's rows, so a position
 * is written in the same transaction as the data it covers.
 */
final class PositionStore {
    private final Positions positions;
    private final String database;
    private final String loopName;

    PositionStore(Positions positions, String database, String loopName) {
        this.positions = positions;
        this.database = database;
        this.loopName = loopName;
    }

    /**
     * Creates where positions are kept unless it exists, and records that this loop's name writes into this database.
     *
     * @throws IllegalArgumentException when a loop of the same name into another database keeps its position there
     */
    void ensure() {
        positions.prepare(database);
        positions.claim(database, loopName);
    }

    /**
     * The stored position of this loop, if any.
     *
     * @throws TargetUnavailableException when it cannot be read
     */
    Optional<LogicalPosition> load() {
        return positions.load(database, loopName);
    }

    /** Records the position on the caller's connection (inside its transaction, if one is open). */
    void save(Connection tx, LogicalPosition position) throws SQLException {
        positions.save(tx, database, loopName, position);
    }
}
