package io.cdcsink.core.logical;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled connection that one worker keeps across many target transactions, so a transaction costs its statements
 * and a commit, not also a trip through the pool and a {@code SET LOCAL statement_timeout} (on MySQL its session
 * timeouts, {@link TargetTx#setTimeout}). The statement timeout is
 * set for the session when the connection is taken and reset when it goes back, so other users of the pool never
 * see it.
 *
 * <p>Used by one thread at a time. A connection whose reset fails is evicted from the pool rather than returned with
 * the timeout still set.
 *
 * <p>Workers that share a {@code taking} lock take their connections from the pool one at a time. HikariCP adds
 * connections on demand, and when many threads wait at once it can stop adding while one of them still waits; a pool
 * whose other borrowers return their connections soon rescues that waiter, but held connections do not come back
 * while their workers have rows, so the waiter's request timed out (the steady-state benchmark saw it once: sixteen
 * fan shards starting together, "total=15" connections of 32 after 10 s, the loop restarting 10 s later). One
 * waiter at a time is what the pool's adder serves without that race.
 */
final class HeldConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeldConnection.class);

    private final DataSource pool;
    private final Duration statementTimeout;
    private final long maxHoldNanos;
    private final Lock taking;
    private Connection held;
    private long takenNanos;

    /**
     * @param maxHold how long one connection may be kept before it is returned and another taken, so the pool can
     *                still retire connections at the end of their lifetime
     */
    HeldConnection(DataSource pool, Duration statementTimeout, Duration maxHold) {
        this(pool, statementTimeout, maxHold, new ReentrantLock());
    }

    /** @param taking held while a connection is taken from the pool; workers that share it take theirs in turn */
    HeldConnection(DataSource pool, Duration statementTimeout, Duration maxHold, Lock taking) {
        this.pool = pool;
        this.statementTimeout = statementTimeout;
        this.maxHoldNanos = maxHold.toNanos();
        this.taking = taking;
    }

    /** The held connection with auto-commit off, taken from the pool first if none is held. */
    Connection get() throws SQLException {
        if (held != null && System.nanoTime() - takenNanos >= maxHoldNanos) {
            close();
        }
        if (held == null) {
            Connection c;
            taking.lock();
            try {
                c = pool.getConnection();
            } finally {
                taking.unlock();
            }
            try {
                // Outside a transaction: a session SET inside one would be undone by a rollback.
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute(TargetTx.setTimeout(c, statementTimeout));
                }
                c.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                discard(c);
                throw e;
            }
            held = c;
            takenNanos = System.nanoTime();
        }
        return held;
    }

    /** True while a connection is held. */
    boolean holding() {
        return held != null;
    }

    /**
     * Rolls back whatever the held connection has open and returns it to the pool; call after a failure, so a
     * retry starts on a fresh connection.
     */
    void abandon() {
        if (held == null) {
            return;
        }
        try {
            held.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback after a failure failed too", e);
        }
        close();
    }

    /** Returns the held connection (with its session timeout reset) to the pool; nothing if none is held. */
    @Override
    public void close() {
        Connection c = held;
        held = null;
        if (c == null) {
            return;
        }
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute(TargetTx.resetTimeout(c));
            }
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not reset a held connection; evicting it from the pool", e);
            discard(c);
        }
    }

    /** Closes {@code c} so the pool does not hand it out again. */
    private void discard(Connection c) {
        try {
            if (pool.isWrapperFor(HikariDataSource.class)) {
                pool.unwrap(HikariDataSource.class).evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not discard a connection", e);
        }
    }
}
