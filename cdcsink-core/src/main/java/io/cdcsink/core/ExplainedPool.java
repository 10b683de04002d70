package io.cdcsink.core;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A target pool that fails fast when the target is down and whose time-out says why.
 *
 * <p>The HikariCP pool waits only a short slice for a connection ({@link HikariTargetPools#BORROW_SLICE}). A slice
 * that ends while the pool's last attempt to connect failed (the time-out carries that failure as its cause) means
 * the target is unreachable: the caller learns it at once, so a changefeed gets its 503 in about a second rather than
 * after the whole connect timeout. A slice that ends while the pool is merely busy (no failure) is followed by
 * another, up to {@code patience} in all, as one long wait would have been.
 *
 * <p>After a failed attempt HikariCP waits up to 5 s before it tries to connect again, so a target that is back
 * would stay unused that long. A borrower whose slice ends on a failure therefore tries one connection of its own,
 * outside the pool, set up as the pool's are: refused, the target is still down (the caller gets the pool's
 * explained time-out); accepted, the caller uses it (closing it closes it). From then on, until a borrow from the
 * pool succeeds again, a borrower finding no idle connection in the pool goes straight to a connection of its own,
 * without waiting a slice first: while the target is down each request fails at once, and once it is back each
 * is served without waiting for the pool to reconnect.
 *
 * <p>HikariCP's "Connection is not available, request timed out after 10000ms" keeps the failure of its last attempt
 * to connect only as the cause, which one-line messages leave out. This adds it to the message ("... ; the last
 * attempt to connect failed: Connection refused").
 */
final class ExplainedPool implements DataSource {
    private final HikariDataSource pool;
    private final Duration patience;
    /** Whether the pool's last attempt to connect failed and no borrow from it has succeeded since. */
    private volatile boolean failing;

    /** @param patience how long a borrower waits in all for a connection of a busy but reachable pool */
    ExplainedPool(HikariDataSource pool, Duration patience) {
        this.pool = pool;
        this.patience = patience;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return borrow(pool::getConnection, pool.getUsername(), pool.getPassword());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return borrow(() -> pool.getConnection(username, password), username, password);
    }

    @FunctionalInterface
    private interface Borrow {
        Connection get() throws SQLException;
    }

    private Connection borrow(Borrow borrow, String username, String password) throws SQLException {
        if (failing && !pool.isClosed() && idle() == 0) {
            return direct(null, username, password);
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                Connection c = borrow.get();
                failing = false;
                return c;
            } catch (SQLTransientConnectionException e) {
                if (pool.isClosed()) {
                    throw explained(e);
                }
                if (e.getCause() != null) {
                    failing = true;
                    return direct(e, username, password);
                }
                if (System.nanoTime() >= deadline) {
                    throw explained(e);
                }
                // Busy, not failing: wait another slice.
            }
        }
    }

    private int idle() {
        var mx = pool.getHikariPoolMXBean();
        return mx == null ? 0 : mx.getIdleConnections();
    }

    /**
     * One connection outside the pool, as the pool would make it. If the target refuses: the pool's time-out
     * ({@code timeout}), or without one a time-out of the same kind naming the refusal.
     */
    private Connection direct(SQLTransientConnectionException timeout, String username, String password)
            throws SQLException {
        Properties props = new Properties();
        props.putAll(pool.getDataSourceProperties());
        if (username != null) {
            props.setProperty("user", username);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        Connection c;
        try {
            c = DriverManager.getConnection(pool.getJdbcUrl(), props);
        } catch (SQLException stillDown) {
            if (timeout != null) {
                throw explained(timeout);
            }
            throw new SQLTransientConnectionException(pool.getPoolName() + " - the target is unreachable; the last"
                    + " attempt to connect failed: " + String.valueOf(stillDown.getMessage()).strip(),
                    stillDown.getSQLState(), stillDown);
        }
        try {
            c.setAutoCommit(pool.isAutoCommit());
            if (pool.getConnectionInitSql() != null) {
                try (Statement s = c.createStatement()) {
                    s.execute(pool.getConnectionInitSql());
                }
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static SQLTransientConnectionException explained(SQLTransientConnectionException e) {
        Throwable cause = e.getCause();
        if (cause == null || cause.getMessage() == null || cause.getMessage().isBlank()) {
            return e;
        }
        return new SQLTransientConnectionException(e.getMessage() + "; the last attempt to connect failed: "
                + cause.getMessage().strip(), e.getSQLState(), e);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(pool) || pool.isWrapperFor(iface);
    }
}
