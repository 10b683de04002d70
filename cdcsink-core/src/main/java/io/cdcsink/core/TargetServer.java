package io.cdcsink.core;

import io.cdcsink.api.sql.StartupCheck;
import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.engine.TargetDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * What start-up learns about the target server from its one look at it: the version text and the dialect that every
 * SQL builder is wired with.
 *
 * <p>{@link #check} is the only place start-up connects to the target. It runs before anything is wired, so that
 * wiring needs no connection (the dialect is handed in), and a target that cannot be used ends start-up within
 * {@link StartupCheck#TIMEOUT} with a {@link TargetCheckException} that says what is wrong and what to do.
 *
 * @param version what {@code SELECT version()} answered
 * @param dialect the dialect that answer names
 */
public record TargetServer(String version, TargetDialect dialect) {
    /**
     * Connects once to the connection string's database, reads the server's version and disconnects.
     *
     * @throws TargetCheckException when the target cannot be reached, refuses the login, lacks the database, or does
     *                              not answer within {@link StartupCheck#TIMEOUT}
     */
    public static TargetServer check(TargetConfig config) {
        ConnectionString conn = config.connection();
        String database = conn.defaultDatabase();
        long started = System.nanoTime();
        try (Connection c = StartupCheck.connect(conn, database); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) StartupCheck.TIMEOUT.toSeconds());
            String version;
            try (ResultSet rs = s.executeQuery("SELECT version()")) {
                rs.next();
                version = rs.getString(1);
            }
            return new TargetServer(version, TargetDialect.of(product(conn, version)));
        } catch (SQLException e) {
            throw new TargetCheckException(StartupCheck.failure("target", conn, database, e,
                    Duration.ofNanos(System.nanoTime() - started)), e);
        }
    }

    /** The product behind a connection: its protocol says MySQL; the version text tells CockroachDB apart. */
    static TargetDialect.Product product(ConnectionString conn, String version) {
        if (conn.protocol() == ConnectionString.Protocol.MYSQL) {
            return TargetDialect.Product.MYSQL;
        }
        return version.contains("CockroachDB") ? TargetDialect.Product.COCKROACHDB : TargetDialect.Product.POSTGRESQL;
    }
}
