package io.cdcsink.engine;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TargetUnavailableException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Connections to the target: one pool per target database (PostgreSQL cannot cross databases in a connection).
 */
public interface TargetPools extends AutoCloseable {
    /**
     * The pool for a target database, opened on first use.
     *
     * @throws BadInputException          when the database does not exist
     * @throws TargetUnavailableException when the target cannot be reached
     */
    DataSource forDatabase(String database);

    /**
     * The most connections one database's pool opens at once ({@code --targetDBConns}); unbounded unless an
     * implementation says otherwise.
     */
    default int maxConnections() {
        return Integer.MAX_VALUE;
    }

    /** The dialect of the target server. */
    TargetDialect dialect();

    /** Databases on the target server that a connection may open (used to find pending work after a restart). */
    List<String> databases();

    /** True when the target answers a trivial query within a few seconds (for health checks). */
    boolean ping();

    @Override
    void close();
}
