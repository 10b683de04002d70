package io.cdcsink.core;

import io.cdcsink.api.CdcSinkException;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.TargetUnavailableException;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work in one transaction on a target database, again after a serialization failure or deadlock, and turns
 * what finally fails into the exception its caller's boundary maps to a status ({@link SqlErrors}).
 */
final class TargetTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(TargetTransactions.class);
    private static final int MAX_ATTEMPTS = 5;

    /** Work on one target transaction; what it returns is handed back after the commit. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final TargetPools pools;

    @Inject
    TargetTransactions(TargetPools pools) {
        this.pools = pools;
    }

    <T> T run(String database, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pools.forDatabase(database).getConnection()) {
                c.setAutoCommit(false);
                try {
                    T done = work.run(c);
                    c.commit();
                    return done;
                } catch (SQLException | RuntimeException ex) {
                    rollbackQuietly(c);
                    throw ex;
                }
            } catch (SQLException ex) {
                if (SqlErrors.retryable(ex) && attempt < MAX_ATTEMPTS) {
                    LOG.debug("retrying transaction on {} after {}", database, ex.getSQLState());
                    continue;
                }
                throw SqlErrors.classify("could not write to database " + database, ex);
            } catch (CdcSinkException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw new TargetUnavailableException("could not write to database " + database + ": " + ex, ex);
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it and the transaction is gone with it.
        }
    }
}
