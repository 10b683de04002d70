package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * {@link DatabaseCrashes} of the source: the PostgreSQL source of {@code pglogical} ({@link CrashablePg}, fsync on)
 * and the MariaDB source of {@code mylogical} ({@code innodb_flush_log_at_trx_commit=1}, {@code sync_binlog=1}) are
 * killed with SIGKILL while the bank workload writes to them. After a crash the source resends from its replication
 * slot's or binlog's durable position, which may be older than what cdc-sink applied: nothing may be applied twice
 * or lost, and the target must equal the source (read back after the last restart) row by row.
 */
class SourceCrashIT {
    private final EmbeddedPg target = EmbeddedPg.shared();

    @Test
    void pglogicalSurvivesSourceCrashes() throws Exception {
        String db = target.freshDatabase("srccrashpg");
        CrashStorms.ddl(target.dataSource(db)::getConnection);
        try (CrashablePg source = CrashablePg.start()) {
            source.exec("postgres", "CREATE DATABASE src");
            CrashStorms.ddl(() -> source.connect("src"));
            try (Connection c = source.connect("src"); Statement s = c.createStatement()) {
                s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
                s.execute("SELECT pg_create_logical_replication_slot('crash_src', 'pgoutput')");
                Bank.open(c);
            }
            long seed = DatabaseCrashes.seed(4001);
            List<String> flags = List.of("--sourceConn", source.url("src"), "--publicationName", "bank_pub",
                    "--slotName", "crash_src", "--targetConn", targetUrl(), "--targetDB", db,
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "crash-source-pglogical", flags)) {
                DatabaseCrashes.run("pglogical source", seed, new DatabaseCrashes.Crashable() {
                    @Override
                    public void crash() throws Exception {
                        source.crash();
                    }

                    @Override
                    public void up() throws Exception {
                        source.up();
                    }
                }, new Reconnecting(seed, () -> source.connect("src")), target.dataSource(db)::getConnection, true);
                assertThat(p.isAlive()).isTrue();
            }
        }
    }

    @Test
    void mylogicalSurvivesSourceCrashes() throws Exception {
        String db = target.freshDatabase("srccrashmy");
        CrashStorms.ddl(target.dataSource(db)::getConnection);
        EmbeddedMariaDb maria = EmbeddedMariaDb.startPrivate();
        try {
            durable(maria);
            maria.execute("", "CREATE DATABASE src");
            CrashStorms.ddl(() -> maria.connect("src"));
            String gtid = maria.gtidBinlogPos();
            try (Connection c = maria.connect("src")) {
                Bank.open(c);
            }
            long seed = DatabaseCrashes.seed(4002);
            List<String> flags = List.of("--sourceConn", maria.sourceConn(), "--sourceDatabase", "src",
                    "--defaultGTIDSet", gtid, "--targetConn", targetUrl(), "--targetDB", db,
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("mylogical", "crash-source-mylogical", flags)) {
                DatabaseCrashes.run("mylogical source", seed, new DatabaseCrashes.Crashable() {
                    @Override
                    public void crash() throws Exception {
                        kill9(maria);
                    }

                    @Override
                    public void up() throws Exception {
                        maria.up();
                        durable(maria);
                    }
                }, new Reconnecting(seed, () -> maria.connect("src")), target.dataSource(db)::getConnection, true);
                assertThat(p.isAlive()).isTrue();
            }
        } finally {
            maria.down();
        }
    }

    /** Every commit flushed to disk, InnoDB log and binlog alike (both settings are dynamic; set after each start). */
    private static void durable(EmbeddedMariaDb maria) throws SQLException {
        maria.execute("", "SET GLOBAL innodb_flush_log_at_trx_commit = 1", "SET GLOBAL sync_binlog = 1");
    }

    /** SIGKILL to the test's own mariadbd (the child of this JVM listening on its port); waits until it is gone. */
    private static void kill9(EmbeddedMariaDb maria) throws Exception {
        ProcessHandle server = ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("mariadbd") || c.contains("mysqld"))
                        .orElse(false))
                .filter(h -> h.info().commandLine().orElse("").contains("--port=" + maria.port()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no mariadbd on port " + maria.port()));
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(server.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -9 %d", server.pid()).isZero();
        server.onExit().get();
    }

    private String targetUrl() {
        return "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable";
    }

    /**
     * The bank workload on a source that crashes: a transfer that fails (the source went away, perhaps after its
     * commit) is retried on a new connection once the source is back, with the next log id read from the source, so
     * the ids stay dense and {@link #transfers()} is what the source holds.
     */
    private static final class Reconnecting implements CrashStorms.BankSource {
        private final Random random;
        private final Callable<Connection> db;
        private Connection conn;
        private volatile long nextId = 1;

        Reconnecting(long seed, Callable<Connection> db) {
            this.random = new Random(seed);
            this.db = db;
        }

        @Override
        public void transfer() throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (true) {
                try {
                    if (conn == null) {
                        conn = db.call();
                        nextId = 1 + maxId(conn);
                    }
                    Bank.transfer(conn, random, nextId);
                    nextId++;
                    return;
                } catch (SQLException e) {
                    if (conn != null) {
                        try {
                            conn.close();
                        } catch (SQLException ignored) {
                            // The source is gone: nothing to close.
                        }
                        conn = null;
                    }
                    assertThat(System.nanoTime()).as("the source back within 2 minutes: %s", e.getMessage())
                            .isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
        }

        private static long maxId(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT coalesce(max(id), 0) FROM bank_log")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public long transfers() {
            return nextId - 1;
        }

        @Override
        public List<String> rows(String table) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (true) {
                try (Connection c = db.call()) {
                    return Bank.rows(c, table);
                } catch (SQLException e) {
                    assertThat(System.nanoTime()).as("the source readable: %s", e.getMessage()).isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
        }
    }
}
