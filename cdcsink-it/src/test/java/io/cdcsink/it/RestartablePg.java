package io.cdcsink.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * An embedded PostgreSQL that a test can stop and start again on the same port and data directory, to play a
 * database outage: what was committed before the stop is there after the restart.
 */
final class RestartablePg implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePg(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    static RestartablePg start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RestartablePg pg = new RestartablePg(Files.createTempDirectory("cdcsink-outage-pg"), port);
        pg.up();
        return pg;
    }

    /** Starts the server (again) on the same port and data directory. */
    synchronized void up() throws IOException {
        if (server != null) {
            return;
        }
        server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10").setServerConfig("fsync", "off")
                .start();
    }

    /** Stops the server; clients see their connections drop and new ones refused. */
    synchronized void down() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    int port() {
        return port;
    }

    String url(String database) {
        return "postgresql://postgres@localhost:" + port + "/" + database + "?sslmode=disable";
    }

    synchronized DataSource dataSource(String database) {
        if (server == null) {
            throw new IllegalStateException("the server is down");
        }
        return server.getDatabase("postgres", database);
    }

    void exec(String database, String... sql) throws SQLException {
        try (Connection c = dataSource(database).getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @Override
    public void close() throws IOException {
        down();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
