package io.cdcsink.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL that a test crashes: durable settings ({@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} on, unlike the test suite's other servers), and {@link #crash} kills the postmaster with
 * SIGKILL, as a machine or container failure would. {@link #up} starts it again on the same data directory and
 * port, which runs crash recovery from the WAL: every transaction that reported its commit is there afterwards.
 */
final class CrashablePg implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private CrashablePg(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    static CrashablePg start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CrashablePg pg = new CrashablePg(Files.createTempDirectory("cdcsink-crash-pg"), port);
        pg.up();
        return pg;
    }

    /** Starts the server (again, after crash recovery); returns once it accepts connections. */
    synchronized void up() throws IOException {
        if (server == null) {
            server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(120))
                    .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on").setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10").setServerConfig("max_wal_senders", "10")
                    .start();
        }
    }

    /**
     * SIGKILL to the postmaster (its pid from {@code postmaster.pid}); returns once it and every process it had
     * started are gone, so the next {@link #up} finds no backend still attached to the old shared memory. Backends
     * end by themselves when they see the postmaster die; one still busy after 10 s is killed too.
     */
    synchronized void crash() throws Exception {
        if (server == null) {
            throw new IllegalStateException("the server is down");
        }
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = new ArrayList<>(postmaster.children().toList());
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -9 " + pid + " failed");
        }
        children.add(postmaster);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (ProcessHandle p : children) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : children) {
            p.onExit().get();
        }
        // Releases the embedded server's lock on the data directory; its "pg_ctl stop" finds no server (an error
        // in the log, expected).
        EmbeddedPostgres dead = server;
        server = null;
        dead.close();
    }

    int port() {
        return port;
    }

    String url(String database) {
        return "postgresql://postgres@localhost:" + port + "/" + database + "?sslmode=disable";
    }

    /** A new connection, whether the server is up or not (fails with the driver's error when it is down). */
    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database
                + "?user=postgres&sslmode=disable&connectTimeout=2&socketTimeout=10");
    }

    /** A connection, retried while the server is down (up to a minute): for checks that must not fail on a crash. */
    Connection await(String database) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                return connect(database);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    void exec(String database, String... sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
