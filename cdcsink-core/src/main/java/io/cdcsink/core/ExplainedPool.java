package io.cdcsink.core;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A target pool whose time-out says why: HikariCP's "Connection is not available, request timed out after 10000ms"
 * keeps the failure of its last attempt to connect only as the cause, which one-line messages leave out. This adds
 * it to the message ("... ; the last attempt to connect failed: Connection refused").
 */
final class ExplainedPool implements DataSource {
    private final HikariDataSource pool;

    ExplainedPool(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw explained(e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return pool.getConnection(username, password);
        } catch (SQLTransientConnectionException e) {
            throw explained(e);
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
