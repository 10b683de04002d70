package io.cdcsink.testing;

import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Unpooled {@link TargetPools} over the embedded MariaDB server as a target, for module tests that run without the
 * core module: each connection runs the dialect's session setup first, as the real pools do.
 */
public final class MariaDbTargetPools implements TargetPools {
    private static final TargetDialect DIALECT = TargetDialect.of(TargetDialect.Product.MYSQL);

    private final EmbeddedMariaDb server;
    private final Map<String, DataSource> sources = new ConcurrentHashMap<>();

    public MariaDbTargetPools(EmbeddedMariaDb server) {
        this.server = server;
    }

    /** The {@code --targetConn} of the server, naming {@code database}. */
    public String targetConn(String database) {
        return "mysql://root@127.0.0.1:" + server.port() + "/" + database + "?sslmode=disable";
    }

    @Override
    public DataSource forDatabase(String database) {
        return sources.computeIfAbsent(database, Source::new);
    }

    @Override
    public TargetDialect dialect() {
        return DIALECT;
    }

    @Override
    public List<String> databases() {
        return List.copyOf(sources.keySet());
    }

    @Override
    public boolean ping() {
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            return s.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        sources.clear();
    }

    private final class Source implements DataSource {
        private final String database;

        Source(String database) {
            this.database = database;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = server.connect(database);
            try (Statement s = c.createStatement()) {
                s.execute(TargetDialect.MYSQL_SESSION);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
