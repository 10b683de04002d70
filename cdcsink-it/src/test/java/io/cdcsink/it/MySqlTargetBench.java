package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #29: MySQL/MariaDB as the target, a benchmark, not a test. N rows of {@link TargetWriteReference}'s shape
 * ({@code id, 'name-id', id * 1.25, 2024-01-01 00:00:00}) reach a table {@code t} of the shared MariaDB server
 * four ways, one after another in one run: the reference, plain JDBC over 4 connections writing each 1,000-row batch
 * as one multi-row {@code INSERT ... VALUES (...), (...) ... ON DUPLICATE KEY UPDATE} (what MySQL Connector/J's
 * {@code rewriteBatchedStatements} sends; MariaDB's driver has no such rewrite, and its bulk {@code executeBatch} of
 * the one-row statement was three times slower here, 35 us of server CPU per row); the webhook in consistent and in immediate
 * mode (the real jar, {@code start --conn mysql://...}, 4 senders posting 1,000-row changefeed batches); and
 * mylogical from a backlog in another database of the same server (the real jar, 5,000-row source transactions).
 * Each line gives wall time, the ratio to the reference, and CPU per row of the cdc-sink JVM and of the MariaDB
 * server. Run with {@code bench/run mysql-target} or {@code mvn -B -pl cdcsink-it verify -Dbench=true
 * -Dit.test=MySqlTargetBench [-Dbench.rows=100000]}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=MySqlTargetBench")
class MySqlTargetBench {
    private static final int ROWS = Integer.getInteger("bench.rows", 200_000);
    private static final int WARM_UP = Integer.getInteger("bench.warmUp", Math.min(ROWS, 50_000));
    private static final int BATCH = 1_000;
    private static final int SENDERS = 4;
    /** {@link TargetWriteReference}'s table on MariaDB. */
    static final String DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(64), amount"
            + " DECIMAL(18,4), at DATETIME(6))";
    private static final String UPDATE = " ON DUPLICATE KEY UPDATE name = VALUES(name), amount = VALUES(amount),"
            + " at = VALUES(at)";

    private final EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
    private final Http http = new Http();
    /** Server ids of the binlog connections: a new one per run. */
    private int serverId = 300;

    /**
     * What one measured run took: wall seconds (and, for a process launched cold, the seconds until its first row was
     * in the target, else 0) and CPU seconds of the writing JVM (cdc-sink's, or for the reference this one's) and of
     * the MariaDB server.
     */
    private record Run(String what, double seconds, double firstRow, double writerCpu, double serverCpu) {
        String line(double reference) {
            return String.format("%-22s %,9.0f rows/s (%.2fx the reference's rate%s); CPU per row: %s %5.1f us,"
                    + " MariaDB server %5.1f us", what, ROWS / seconds, reference / seconds, firstRow == 0
                    ? "" : String.format(Locale.ROOT, "; first row after %.1f s, %,.0f rows/s from then on",
                    firstRow, ROWS / (seconds - firstRow)), what.equals("reference") ? "its JDBC writers (this JVM)"
                    : "cdc-sink JVM", writerCpu * 1e6 / ROWS, serverCpu * 1e6 / ROWS);
        }
    }

    @Test
    void mysqlTargetAgainstPlainJdbcUpserts() throws Exception {
        String referenceDb = freshTarget("myref");
        try (Webhook consistent = new Webhook(false); Webhook immediate = new Webhook(true)) {
            // Class loading and the JIT would count against whichever run comes first: warm every path up, untimed.
            reference(referenceDb, WARM_UP);
            consistent.run(WARM_UP);
            immediate.run(WARM_UP);
            mylogical(backlog(WARM_UP), WARM_UP);
            Backlog backlog = backlog(ROWS);

            Run before = reference(referenceDb, ROWS);
            Run webhookConsistent = consistent.run(ROWS);
            Run webhookImmediate = immediate.run(ROWS);
            Run mylogical = mylogical(backlog, ROWS);
            Run after = reference(referenceDb, ROWS);
            double reference = (before.seconds() + after.seconds()) / 2;
            System.out.printf("BENCH mysql-target, %,d rows into MariaDB %s: reference = plain JDBC, %d connections,"
                    + " %,d-row multi-row ON DUPLICATE KEY UPDATE statements, %.2f s (mean of %.2f before and %.2f"
                    + " after); cdc-sink as its jar in its own JVM (mylogical's cold, from its launch)%n", ROWS,
                    maria.version(), SENDERS, BATCH, reference, before.seconds(), after.seconds());
            for (Run r : List.of(before, webhookConsistent, webhookImmediate, mylogical, after)) {
                System.out.println("BENCH   " + r.line(reference));
            }
            assertThat(webhookConsistent.seconds()).isPositive();
        }
    }

    private String freshTarget(String prefix) throws SQLException {
        String db = maria.newDatabase(prefix);
        maria.execute(db, DDL);
        return db;
    }

    /** The plain JDBC reference writing rows 1..{@code rows} into the emptied table of {@code db}. */
    private Run reference(String db, int rows) throws Exception {
        maria.execute(db, "TRUNCATE t");
        double self0 = CpuMeter.self();
        double server0 = serverCpu();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                work.add(pool.submit(() -> {
                    upserts(db, rows, sender);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Run run = new Run("reference", seconds, 0, CpuMeter.self() - self0, serverCpu() - server0);
        verify(db, rows);
        return run;
    }

    /** Batches {@code sender}, {@code sender + SENDERS}, ... of rows 1..{@code rows}, one statement each. */
    private void upserts(String db, int rows, int sender) throws SQLException {
        try (Connection c = maria.connect(db); PreparedStatement full = c.prepareStatement(upsert(BATCH))) {
            for (long first = 1L + (long) sender * BATCH; first <= rows; first += (long) SENDERS * BATCH) {
                int n = (int) Math.min(BATCH, rows - first + 1);
                try (PreparedStatement partial = n == BATCH ? null : c.prepareStatement(upsert(n))) {
                    PreparedStatement ps = partial == null ? full : partial;
                    for (int i = 0; i < n; i++) {
                        long id = first + i;
                        ps.setLong(4 * i + 1, id);
                        ps.setString(4 * i + 2, "name-" + id);
                        ps.setBigDecimal(4 * i + 3, new BigDecimal(TargetWriteReference.amount(id)));
                        ps.setString(4 * i + 4, TargetWriteReference.AT);
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    /** A multi-row upsert of {@code rows} rows. */
    private static String upsert(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO t (id, name, amount, at) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
        }
        return sql.append(UPDATE).toString();
    }

    /** cdc-sink's webhook in one mode, one process and one target database for every run of that mode. */
    private final class Webhook implements AutoCloseable {
        private final boolean immediate;
        private final String db;
        private final CdcSinkProcess process;
        private final URI hook;
        /** The first changefeed time of the next run: later than every earlier run's. */
        private long nextTime = 1_000;

        Webhook(boolean immediate) throws Exception {
            this.immediate = immediate;
            this.db = freshTarget(immediate ? "myimm" : "mycons");
            int port = CdcSinkProcess.freePort();
            List<String> args = new ArrayList<>(List.of("start", "--conn", TestTarget.MARIADB.conn(db),
                    "--bindAddr", "127.0.0.1:" + port, "--disableAuthentication"));
            if (immediate) {
                args.add("--immediate");
            }
            this.process = CdcSinkProcess.asUsersRunIt(immediate ? "mybench-immediate" : "mybench-consistent", port,
                    args);
            this.hook = process.uri("/" + db + "/" + db);
        }

        /**
         * Posts rows 1..{@code rows} in 1,000-row batches from 4 senders (batch {@code b} at changefeed time
         * {@code base + b}); in consistent mode this thread resolves up to the highest time below which every batch
         * has been delivered, as often as that moves. Timed until the table holds every row.
         */
        Run run(int rows) throws Exception {
            maria.execute(db, "DELETE FROM t");
            int batches = (rows + BATCH - 1) / BATCH;
            long base = nextTime;
            nextTime += batches + 2;
            List<List<String>> bodies = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                List<String> mine = new ArrayList<>();
                for (int b = s; b < batches; b += SENDERS) {
                    mine.add(payload(b, rows, base + b));
                }
                bodies.add(mine);
            }
            // delivered[s]: batches sender s has had acknowledged; its next is s + delivered[s] * SENDERS.
            AtomicLongArray delivered = new AtomicLongArray(SENDERS);
            double cpu0 = CpuMeter.process(process.pid());
            double server0 = serverCpu();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                work.add(pool.submit(() -> {
                    for (String body : bodies.get(sender)) {
                        Http.Reply reply = http.post(hook, body);
                        if (reply.status() != 200) {
                            throw new IllegalStateException(reply.status() + " " + reply.body());
                        }
                        delivered.incrementAndGet(sender);
                    }
                    return null;
                }));
            }
            pool.shutdown();
            long resolved = base - 1;
            while (!pool.isTerminated()) {
                if (!immediate) {
                    long frontier = Long.MAX_VALUE;
                    for (int s = 0; s < SENDERS; s++) {
                        frontier = Math.min(frontier, s + delivered.get(s) * SENDERS);
                    }
                    // Every batch below the frontier is delivered: resolve its time once ten more are in.
                    if (base + frontier - 1 >= resolved + 10) {
                        resolved = base + frontier - 1;
                        resolve(resolved);
                    }
                }
                Thread.sleep(5);
            }
            for (Future<?> f : work) {
                f.get();
            }
            resolve(base + batches);
            double seconds = awaitRows(db, rows, start);
            Run run = new Run("webhook " + (immediate ? "immediate" : "consistent"), seconds, 0,
                    CpuMeter.process(process.pid()) - cpu0, serverCpu() - server0);
            verify(db, rows);
            return run;
        }

        private void resolve(long time) throws Exception {
            Http.Reply reply = http.post(hook, "{\"resolved\":\"" + time + ".0\"}");
            if (reply.status() != 200) {
                throw new IllegalStateException(reply.status() + " " + reply.body());
            }
        }

        @Override
        public void close() throws Exception {
            process.close();
        }
    }

    /** Batch {@code b} of rows 1..{@code rows} as a changefeed webhook body at changefeed time {@code time}. */
    private static String payload(int b, int rows, long time) {
        StringBuilder sb = new StringBuilder("{\"payload\":[");
        long first = 1L + (long) b * BATCH;
        long last = Math.min(rows, first + BATCH - 1);
        for (long id = first; id <= last; id++) {
            sb.append(id == first ? "" : ",").append("{\"after\":{\"id\":").append(id).append(",\"name\":\"name-")
                    .append(id).append("\",\"amount\":").append(TargetWriteReference.amount(id)).append(",\"at\":\"")
                    .append(TargetWriteReference.AT).append("\"},\"key\":[").append(id)
                    .append("],\"topic\":\"t\",\"updated\":\"").append(time).append(".0\"}");
        }
        return sb.append("],\"length\":").append(last - first + 1).append('}').toString();
    }

    /** Where a backlog in its own source database starts in the binlog. */
    private record Backlog(String database, String gtidBefore) {
    }

    /** Rows 1..{@code rows} in a new source database of the same server, in 5,000-row transactions. */
    private Backlog backlog(int rows) throws SQLException {
        String db = maria.newDatabase("mysrc");
        maria.execute(db, DDL);
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(db); Statement s = c.createStatement()) {
            MyLogicalCatchUpBench.insertBacklog(s, rows);
        }
        return new Backlog(db, gtid);
    }

    /** cdc-sink mylogical (the real jar, consistent mode) from the backlog's start into a new target database. */
    private Run mylogical(Backlog backlog, int rows) throws Exception {
        String db = freshTarget("mylog");
        int port = CdcSinkProcess.freePort();
        List<String> args = List.of("mylogical", "--sourceConn", maria.sourceConn(), "--targetConn",
                TestTarget.MARIADB.conn(db), "--targetDB", db, "--targetSchema", db, "--sourceDatabase",
                backlog.database(), "--defaultGTIDSet", backlog.gtidBefore(), "--replicationProcessID",
                Integer.toString(serverId++), "--metricsAddr", "127.0.0.1:" + port,
                // cdc-sink's metadata is one database per MySQL server: each run's loop has a name of its own.
                "--loopName", db);
        double server0 = serverCpu();
        long start = System.nanoTime();
        Run run;
        try (CdcSinkProcess p = CdcSinkProcess.asUsersRunItStarting("mybench-mylogical-" + db, port, args)) {
            double firstRow = awaitRows(maria, db, 1, start);
            double seconds = awaitRows(db, rows, start);
            run = new Run("mylogical consistent", seconds, firstRow, CpuMeter.process(p.pid()),
                    serverCpu() - server0);
        }
        verify(db, rows);
        return run;
    }

    private double awaitRows(String db, int rows, long start) throws Exception {
        return awaitRows(maria, db, rows, start);
    }

    /** Seconds from {@code start} until {@code t} of {@code db} holds rows 1..{@code rows}: the last by key first. */
    static double awaitRows(EmbeddedMariaDb maria, String db, int rows, long start) throws Exception {
        long deadline = start + Duration.ofMinutes(20).toNanos();
        try (Connection c = maria.connect(db);
             PreparedStatement last = c.prepareStatement("SELECT count(*) FROM t WHERE id = ?");
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM t")) {
            last.setLong(1, rows);
            while (first(last) != 1 || first(count) < rows) {
                assertThat(System.nanoTime()).as("every row in %s within 20 minutes", db).isLessThan(deadline);
                Thread.sleep(20);
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static long first(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void verify(String db, int rows) throws SQLException {
        verify(maria, db, rows);
    }

    /** Checks that {@code t} of {@code db} holds exactly rows 1..{@code rows} with their values. */
    static void verify(EmbeddedMariaDb maria, String db, int rows) throws SQLException {
        try (Connection c = maria.connect(db); PreparedStatement ps = c.prepareStatement("SELECT count(*),"
                + " coalesce(sum(id BETWEEN 1 AND ? AND name = concat('name-', id) AND amount = id * 1.25"
                + " AND at = ?), 0) FROM t")) {
            ps.setLong(1, rows);
            ps.setString(2, TargetWriteReference.AT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows in " + db).isEqualTo(rows);
                assertThat(rs.getLong(2)).as("rows of " + db + " with their values").isEqualTo(rows);
            }
        }
    }

    /**
     * CPU seconds so far of the MariaDB server: one process ({@code mariadbd}, threads included), found by its
     * {@code --port} in {@code /proc}.
     */
    private double serverCpu() {
        String port = "--port=" + maria.port();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains("mariadbd") && List.of(cmd.split("\0")).contains(port)) {
                        return CpuMeter.process(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // The process ended while the directory was listed.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no mariadbd process with " + port);
    }
}
