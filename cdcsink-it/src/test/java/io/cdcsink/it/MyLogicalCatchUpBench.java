package io.cdcsink.it;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.mysql.MyLogicalConfig;
import io.cdcsink.mysql.MySqlConn;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #8, workload 4: mylogical catching up with a backlog, against the raw target write path of workload 1. A
 * backlog of N rows ({@code id BIGINT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(18,4), at TIMESTAMP(6)}) is
 * committed on MariaDB in 5,000-row transactions (multi-row INSERTs); cdc-sink mylogical then replicates it from
 * the GTID position before the backlog into a fresh PostgreSQL database, in this JVM through the embedding API,
 * once in consistent and once in immediate mode, each timed from its start until the target holds N rows. The
 * reference writes the same N rows straight into a fresh target table over 4 connections as batched multi-row
 * upserts of 1,000 rows ({@link TargetWriteReference}). A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=MyLogicalCatchUpBench [-Dbench.rows=500000]")
class MyLogicalCatchUpBench {
    private static final String TARGET_DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4),"
            + " at TIMESTAMPTZ)";
    private static final int PER_TRANSACTION = 5_000;
    /** Rows each mode is warmed up with, untimed, at most 200,000; {@code -Dbench.warmUp} overrides it. */
    private static final int WARM_UP_ROWS = Integer.getInteger("bench.warmUp",
            Math.min(Integer.getInteger("bench.rows", 500_000), 200_000));

    private final EmbeddedMariaDb source = EmbeddedMariaDb.shared();
    private final EmbeddedPg target = EmbeddedPg.shared();
    /** The binlog connection's server id, new for every run so no run is mistaken for the previous one. */
    private long serverId = 100;

    @Test
    void catchUpAgainstTheRawTargetWritePath() throws Exception {
        int rows = Integer.getInteger("bench.rows", 500_000);
        // Class loading and the JIT would count against whichever cdc-sink run comes first: warm both modes up.
        Backlog warm = backlog(WARM_UP_ROWS);
        ours(warm, false);
        ours(warm, true);

        Backlog backlog = backlog(rows);
        double before = reference(rows);
        double consistent = ours(backlog, false);
        double immediate = ours(backlog, true);
        // The reference runs before and after cdc-sink and the ratios use the mean: its rate drifts on a shared host.
        double after = reference(rows);
        double reference = (before + after) / 2;
        String copyDb = freshTarget("mycopy");
        double copy = TargetWriteReference.copy(target, copyDb, rows);
        TargetWriteReference.verify(target, copyDb, rows);
        System.out.printf("BENCH mylogical catch-up against plain COPY (4 connections, 1,000-row COPYs) %,.0f rows/s:"
                + " consistent %.2fx, immediate %.2fx%n", copy, consistent / copy, immediate / copy);
        System.out.printf("BENCH mylogical catch-up, %,d rows in %,d-row MariaDB transactions: reference (raw target"
                        + " writes, %d connections, %,d-row upserts) %,.0f rows/s (mean of %,.0f before and %,.0f"
                        + " after); cdc-sink consistent %,.0f rows/s (%.2fx reference); cdc-sink immediate %,.0f rows/s"
                        + " (%.2fx reference)%n", rows, PER_TRANSACTION, TargetWriteReference.CONNECTIONS,
                TargetWriteReference.BATCH, reference, before, after, consistent, consistent / reference, immediate,
                immediate / reference);
    }

    /** The raw target write path writing rows 1..{@code rows} into a fresh database; rows per second. */
    private double reference(int rows) throws Exception {
        String db = freshTarget("myref");
        double rate = TargetWriteReference.write(target, db, rows);
        TargetWriteReference.verify(target, db, rows);
        CpuMeter.settle(target);
        return rate;
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

    /** cdc-sink's mylogical through the embedding API from the backlog's start; returns rows per second. */
    private double ours(Backlog backlog, boolean immediate) throws Exception {
        String db = freshTarget(immediate ? "myimm" : "mycons");
        MyLogicalConfig my = new MyLogicalConfig(MySqlConn.parse(source.sourceConn()),
                Optional.of(backlog.gtidBefore()), db, MyLogicalConfig.DEFAULT_SCHEMA, Set.of(backlog.database()), serverId++);
        LogicalConfig loop = LogicalConfig.defaults("bench", db).withImmediate(immediate);
        if (Integer.getInteger("bench.fanShards") != null) {
            loop = loop.withFanShards(Integer.getInteger("bench.fanShards"));
        }
        Map<Integer, Map.Entry<String, Double>> threads0 = CpuMeter.threads();
        double jvm0 = CpuMeter.self();
        long start = System.nanoTime();
        Replicator replicator = Replicator.builder()
                .target(TargetConfig.of("postgresql://postgres@localhost:" + target.port() + "/" + db
                        + "?sslmode=disable"))
                .withoutStaging()
                .source("mylogical", BenchOptions.merge(my.toOptions(), loop.toOptions()))
                .start();
        double seconds;
        try {
            seconds = TargetWriteReference.awaitRows(target, db, backlog.rows(), backlog.rows(), start);
            String threads = CpuMeter.perRow(CpuMeter.groupsBetween(threads0, CpuMeter.threads()), backlog.rows());
            System.out.printf("BENCH   %s, %,d rows: JVM CPU %.1f us per row; threads:%s%n",
                    immediate ? "immediate" : "consistent", backlog.rows(),
                    (CpuMeter.self() - jvm0) * 1e6 / backlog.rows(), threads);
        } finally {
            replicator.close();
        }
        TargetWriteReference.verify(target, db, backlog.rows());
        CpuMeter.settle(target);
        return backlog.rows() / seconds;
    }

    private String freshTarget(String prefix) throws SQLException {
        String db = target.freshDatabase(prefix);
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute(TARGET_DDL);
        }
        return db;
    }
}
