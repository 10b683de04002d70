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
     * Records, once, that the loop of this name writes into {@code database}, and refuses a name already recorded for
     * another database: where positions are kept once per server (a MySQL server's, a CockroachDB cluster's
     * {@code _cdc_sink}), two loops of one name into two databases would read and overwrite each other's position and
     * skip each other's rows.
     *
     * @throws IllegalArgumentException    when another database's loop holds the name (one line saying what to do)
     * @throws TargetUnavailableException when the record cannot be read or written
     */
    void claim(String database, String loopName);

    /**
     * The loop's stored position, if any.
     *
     * @throws TargetUnavailableException when it cannot be read
     */
    Optional<LogicalPosition> load(String database, String loopName);

    /** Stores the loop's position on the caller's connection (inside its transaction, if one is open). */
    void save(Connection tx, String database, String loopName, LogicalPosition position) throws SQLException;
}
