package io.cdcsink.engine;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Source positions of log-based replication loops, each kept in the target database that receives the loop's rows
 * and keyed by the loop's name, so a position is written in the same transaction as the rows it covers.
 */
public interface Positions {
    /**
     * Creates where positions are kept, in the database, unless this process already did.
     *
     * @throws TargetUnavailableException when the DDL fails
     */
    void prepare(String database);

    /**
     * The loop's stored position, if any.
     *
     * @throws TargetUnavailableException when it cannot be read
     */
    Optional<LogicalPosition> load(String database, String loopName);

    /** Stores the loop's position on the caller's connection (inside its transaction, if one is open). */
    void save(Connection tx, String database, String loopName, LogicalPosition position) throws SQLException;
}
