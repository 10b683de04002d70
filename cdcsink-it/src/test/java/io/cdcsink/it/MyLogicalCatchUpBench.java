package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issues #8 and #32, workload 4: mylogical catching up with a backlog, against the raw target write path of workload
 * 1. A backlog of W + N rows ({@code id BIGINT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(18,4), at
 * TIMESTAMP(6)}; W warm-up rows, then N measured ones) is committed on MariaDB in 5,000-row transactions (multi-row
 * INSERTs); {@code java -jar cdc-sink.jar mylogical}, a process of its own launched as users launch it, then
 * replicates it from the GTID position before the backlog into a fresh PostgreSQL database, once in consistent and
 * once in immediate mode. Each is timed warm, from the moment the target holds row W until it holds row W + N, with
 * the CPU its JVM, MariaDB (the binlog dump) and the target server spent meanwhile, and cold, from the launch. The
 * reference writes the same N rows straight into a fresh target table over 4 connections as batched multi-row
 * upserts of 1,000 rows ({@link TargetWriteReference}), before and after, with the CPU of its writers (this JVM)
 * and of the target server. A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=MyLogicalCatchUpBench [-Dbench.rows=500000]")
class MyLogicalCatchUpBench {
    private static final String TARGET_DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4),"
            + " at TIMESTAMPTZ)";
    private static final int PER_TRANSACTION = 5_000;

    private final EmbeddedMariaDb source = EmbeddedMariaDb.shared();
    private final EmbeddedPg target = EmbeddedPg.shared();
    /** The binlog connection's server id, new for every run so no run is mistaken for the previous one. */
    private long serverId = 100;

    @Test
    void catchUpAgainstTheRawTargetWritePath() throws Exception {
        int rows = Integer.getInteger("bench.rows", 500_000);
        // A multiple of the transaction size, so row W ends a source transaction.
        int warmUp = Integer.getInteger("bench.warmUp", Math.min(rows, 200_000)) / PER_TRANSACTION * PER_TRANSACTION;
        Backlog backlog = backlog(warmUp + rows);
        Measured before = reference(rows);
        Measured consistent = ours(backlog, warmUp, rows, false);
        Measured immediate = ours(backlog, warmUp, rows, true);
        // The reference runs before and after cdc-sink and the ratios use the mean: its rate drifts on a shared host.
        Measured after = reference(rows);
        double reference = (before.rate() + after.rate()) / 2;
        String copyDb = freshTarget("mycopy");
        double copy = TargetWriteReference.copy(target, copyDb, rows);
        TargetWriteReference.verify(target, copyDb, rows);
        System.out.printf("BENCH mylogical catch-up against plain COPY (4 connections, 1,000-row COPYs) %,.0f rows/s:"
                + " consistent %.2fx, immediate %.2fx%n", copy, consistent.rate() / copy, immediate.rate() / copy);
        System.out.printf("BENCH mylogical catch-up, %,d rows in %,d-row MariaDB transactions after %,d warm-up rows:"
                        + " reference (raw target writes, %d connections, %,d-row upserts) %,.0f rows/s (mean of %,.0f"
                        + " before and %,.0f after); cdc-sink consistent %,.0f rows/s (%.2fx reference); cdc-sink"
                        + " immediate %,.0f rows/s (%.2fx reference)%n", rows, PER_TRANSACTION, warmUp,
                TargetWriteReference.CONNECTIONS, TargetWriteReference.BATCH, reference, before.rate(), after.rate(),
                consistent.rate(), consistent.rate() / reference, immediate.rate(), immediate.rate() / reference);
        for (Map.Entry<String, Measured> m : List.of(Map.entry("reference before", before),
                Map.entry("cdc-sink consistent", consistent), Map.entry("cdc-sink immediate", immediate),
                Map.entry("reference after", after))) {
            System.out.printf("BENCH   CPU per row, %s: %s %.2f us, MariaDB %.2f us, target server %.2f us%n",
                    m.getKey(), m.getKey().startsWith("reference") ? "its writers (this JVM)" : "cdc-sink JVM",
                    m.getValue().jvmCpu() * 1e6 / rows, m.getValue().sourceCpu() * 1e6 / rows,
                    m.getValue().targetCpu() * 1e6 / rows);
        }
    }

    /** A run's rows per second and the CPU seconds its parts spent. */
    private record Measured(double rate, double jvmCpu, double sourceCpu, double targetCpu) {
    }

    /** The raw target write path writing rows 1..{@code rows} into a fresh database. */
    private Measured reference(int rows) throws Exception {
        String db = freshTarget("myref");
        double jvm0 = CpuMeter.self();
        Map<Integer, Double> target0 = CpuMeter.server(target);
        double rate = TargetWriteReference.write(target, db, rows);
        Measured m = new Measured(rate, CpuMeter.self() - jvm0, 0, CpuMeter.between(target0, CpuMeter.server(target)));
        TargetWriteReference.verify(target, db, rows);
        CpuMeter.settle(target);
        return m;
    }

    /** Where a backlog of {@code rows} rows in its own source database starts in the binlog. */
    private record Backlog(String database, String gtidBefore, int rows) {
    }

    /** Rows 1..{@code rows} of {@link TargetWriteReference} in a new source database, in 5,000-row transactions. */
    private Backlog backlog(int rows) throws SQLException {
        String db = source.newDatabase("mybench");
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(18,4),"
                + " at TIMESTAMP(6) NULL)");
        String gtid = source.gtidBinlogPos();
        long loading = System.nanoTime();
        try (Connection c = source.connect(db); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            insertBacklog(s, rows);
        }
        System.out.printf("BENCH backlog: %,d rows in %,d-row MariaDB transactions committed in %.1f s%n", rows,
                PER_TRANSACTION, (System.nanoTime() - loading) / 1e9);
        return new Backlog(db, gtid, rows);
    }

    /** Rows 1..{@code rows} of {@link TargetWriteReference} into {@code t}, in 5,000-row multi-row INSERTs. */
    static void insertBacklog(Statement s, int rows) throws SQLException {
        for (long first = 1; first <= rows; first += PER_TRANSACTION) {
            StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
            for (long id = first; id < first + PER_TRANSACTION && id <= rows; id++) {
                insert.append(id == first ? "(" : ",(").append(id).append(",'name-").append(id).append("',")
                        .append(TargetWriteReference.amount(id)).append(",'").append(TargetWriteReference.AT)
                        .append("')");
            }
            s.execute(insert.toString());
        }
    }

    /**
     * {@code java -jar cdc-sink.jar mylogical} from the backlog's start, launched as users launch it, until the
     * target holds every row; the warm segment's rate and CPU.
     */
    private Measured ours(Backlog backlog, int warmUp, int rows, boolean immediate) throws Exception {
        String db = freshTarget(immediate ? "myimm" : "mycons");
        int port = CdcSinkProcess.freePort();
        List<String> args = new ArrayList<>(List.of("mylogical", "--sourceConn", source.sourceConn(),
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", db, "--defaultGTIDSet", backlog.gtidBefore(), "--sourceDatabase", backlog.database(),
                "--replicationProcessID", Long.toString(serverId++), "--metricsAddr", "127.0.0.1:" + port));
        if (immediate) {
            args.add("--immediate");
        }
        if (Integer.getInteger("bench.fanShards") != null) {
            args.addAll(List.of("--fanShards", Integer.getInteger("bench.fanShards").toString()));
        }
        long mariaDb = mariaDbPid();
        long start = System.nanoTime();
        Measured m;
        try (CdcSinkProcess p = CdcSinkProcess.asUsersRunItStarting(db, port, args)) {
            TargetWriteReference.awaitRows(target, db, warmUp, warmUp, start);
            long warm = System.nanoTime();
            double jvm0 = CpuMeter.process(p.pid());
            double source0 = CpuMeter.process(mariaDb);
            Map<Integer, Double> target0 = CpuMeter.server(target);
            Map<Integer, Map.Entry<String, Double>> threads0 = CpuMeter.threads(p.pid());
            TargetWriteReference.awaitRows(target, db, warmUp + rows, warmUp + rows, start);
            double seconds = (System.nanoTime() - warm) / 1e9;
            double jvm = CpuMeter.process(p.pid());
            m = new Measured(rows / seconds, jvm - jvm0, CpuMeter.process(mariaDb) - source0,
                    CpuMeter.between(target0, CpuMeter.server(target)));
            System.out.printf("BENCH   %s: cold %.2f s from launch for all %,d rows, the JVM's whole CPU %.1f us per"
                            + " row; warm threads per row:%s%n", immediate ? "immediate" : "consistent",
                    (System.nanoTime() - start) / 1e9, warmUp + rows, jvm * 1e6 / (warmUp + rows),
                    CpuMeter.perRow(CpuMeter.groupsBetween(threads0, CpuMeter.threads(p.pid())), rows));
        }
        TargetWriteReference.verify(target, db, warmUp + rows);
        CpuMeter.settle(target);
        return m;
    }

    /** The MariaDB server's process id, from its pid file. */
    private long mariaDbPid() throws Exception {
        try (Connection c = source.connect(""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@pid_file")) {
            rs.next();
            return Long.parseLong(Files.readString(Path.of(rs.getString(1))).strip());
        }
    }

    private String freshTarget(String prefix) throws SQLException {
        String db = target.freshDatabase(prefix);
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute(TARGET_DDL);
        }
        return db;
    }
}
