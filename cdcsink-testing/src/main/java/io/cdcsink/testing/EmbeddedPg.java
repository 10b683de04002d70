package io.cdcsink.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * An embedded PostgreSQL server for tests, configured for logical replication. Start one per test class or share
 * {@link #shared()} across the JVM; hand each test a fresh database from {@link #freshDatabase(String)}.
 */
public final class EmbeddedPg implements AutoCloseable {
    private static final Object LOCK = new Object();
    private static EmbeddedPg shared;

    private final EmbeddedPostgres server;
    private final AtomicInteger counter = new AtomicInteger();

    private EmbeddedPg(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts a new private server (for tests that stop or crash it). */
    public static EmbeddedPg start() {
        try {
            return new EmbeddedPg(EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    /** One server for the whole JVM, stopped at JVM exit. */
    public static EmbeddedPg shared() {
        synchronized (LOCK) {
            if (shared == null) {
                EmbeddedPg pg = start();
                Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "embedded-pg-stop"));
                shared = pg;
            }
            return shared;
        }
    }

    public int port() {
        return server.getPort();
    }

    /** A {@code postgresql://} connection string to the server, without a database. */
    public String connectionString() {
        return "postgresql://postgres@localhost:" + port() + "/postgres?sslmode=disable";
    }

    /** A JDBC URL for one database on the server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database + "?user=postgres";
    }

    public DataSource dataSource(String database) {
        return server.getDatabase("postgres", database);
    }

    /** Creates a new empty database with a unique name starting with the prefix. */
    public String freshDatabase(String prefix) {
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet())
                .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return name;
    }

    /** Runs the statements, in order, on one connection to the database. */
    public void exec(String database, String... statements) throws SQLException {
        try (Connection c = dataSource(database).getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /**
     * Creates a login role that must give its password (scram-sha-256), where the server trusts every other user: for
     * tests of a refused login. Returns once the server refuses a wrong password for it.
     */
    public void createPasswordRole(String role, String password) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE \"" + role + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            String hbaFile;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            // The first matching line wins: this one, above the trusting ones, concerns only the new role.
            Path hba = Path.of(hbaFile);
            Files.writeString(hba, "host all \"" + role + "\" all scram-sha-256\n" + Files.readString(hba));
            s.execute("SELECT pg_reload_conf()");
        } catch (IOException e) {
            throw new UncheckedIOException("could not edit pg_hba.conf", e);
        }
        // The postmaster reloads when it gets to the signal; new connections see the rule after that.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Connection ignored = DriverManager.getConnection(jdbcUrl("postgres").replace("user=postgres",
                    "user=" + role + "&password=not-" + password))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the server still lets " + role + " in without its password");
                }
                Thread.sleep(50);
            } catch (SQLException refused) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
