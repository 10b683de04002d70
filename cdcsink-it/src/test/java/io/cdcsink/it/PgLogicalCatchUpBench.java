package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issues #8 and #32, workload 2: pglogical catching up with a backlog, against PostgreSQL's own logical replication.
 * A backlog of W + N rows ({@code id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ}; W warm-up
 * rows, then N measured ones) is committed behind three slots created before it: one for a native subscription on a
 * second embedded server, one for {@code java -jar cdc-sink.jar pglogical} in consistent mode and one for it with
 * {@code --immediate}, each a process of its own launched as users launch it, into the shared embedded server. Each
 * consumer then replicates the whole backlog alone. Reported per consumer:
 * <ul>
 *     <li><b>warm</b>: from the moment the target holds row W until it holds row W + N, and the CPU every process
 *     spent meanwhile (the cdc-sink JVM, the walsender serving its slot, the target server, whose only busy process
 *     for the native subscription is its apply worker): the figure to compare, free of start-up and the JIT;</li>
 *     <li><b>cold</b>: from the launch (for the native subscription, {@code ENABLE}) and from the first applied row
 *     until row W + N, and the cdc-sink JVM's whole CPU.</li>
 * </ul>
 * Two shapes by default: 2,000-row and 1-row source transactions. All three servers are embedded PostgreSQL with the
 * same settings (fsync and synchronous_commit off). A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=PgLogicalCatchUpBench [-Dbench.rows=1000000] [-Dbench.warmUp=200000]")
class PgLogicalCatchUpBench {
    private static final String DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4),"
            + " at TIMESTAMPTZ)";
    private static EmbeddedPg source;
    private static EmbeddedPg nativeTarget;
    private final EmbeddedPg target = EmbeddedPg.shared();

    @BeforeAll
    static void startServers() {
        source = EmbeddedPg.start();
        nativeTarget = EmbeddedPg.start();
    }

    @AfterAll
    static void stopServers() {
        source.close();
        nativeTarget.close();
    }

    @Test
    void catchUpAgainstANativeSubscription() throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        // The JIT of a cold process still compiled for 1-3 us per row after 20,000 rows: the warm figure starts
        // after 200,000 (of the same backlog, in the same process).
        int warmUp = Integer.getInteger("bench.warmUp", Math.min(rows, 200_000));
        // Runs drift by up to a third between repetitions on a shared 2-core host: -Dbench.repeats=3 measures
        // every consumer three times, in turn, and reports each ratio's median too.
        int repeats = Ratios.repeats(3, "three slots a run; the server allows 20");
        for (String shape : System.getProperty("bench.perTransaction", "2000,1").split(",")) {
            int perTransaction = Integer.parseInt(shape.strip());
            String src = backlog(warmUp + rows, perTransaction, repeats);
            Map<String, List<Double>> ratios = new LinkedHashMap<>();
            for (int r = 0; r < repeats; r++) {
                Run nativeRun = nativeSubscription(src, "native_" + src + "_" + r, warmUp, rows);
                Run consistent = ours(src, "ours_" + src + "_" + r, warmUp, rows, false);
                Run immediate = ours(src, "imm_" + src + "_" + r, warmUp, rows, true);
                ratios.computeIfAbsent("consistent, warm", k -> new ArrayList<>())
                        .add(nativeRun.warmSeconds() / consistent.warmSeconds());
                ratios.computeIfAbsent("consistent, from the first row", k -> new ArrayList<>())
                        .add(nativeRun.fromFirstRow() / consistent.fromFirstRow());
                ratios.computeIfAbsent("immediate, warm", k -> new ArrayList<>())
                        .add(nativeRun.warmSeconds() / immediate.warmSeconds());
                ratios.computeIfAbsent("immediate, from the first row", k -> new ArrayList<>())
                        .add(nativeRun.fromFirstRow() / immediate.fromFirstRow());
                report(warmUp, rows, perTransaction, nativeRun, consistent, immediate);
            }
            dropSlots(src);
            if (repeats > 1) {
                StringBuilder line = new StringBuilder();
                ratios.forEach((what, list) -> line.append(String.format("; %s %.2fx native (runs %s)", what,
                        Ratios.median(list), Ratios.list(list))));
                System.out.printf("BENCH pglogical catch-up, %,d-row transactions, median of %d runs%s%n",
                        perTransaction, repeats, line);
            }
        }
    }

    private static void report(int warmUp, int rows, int perTransaction, Run nativeRun, Run consistent,
                               Run immediate) {
        System.out.printf("BENCH pglogical catch-up, %,d rows in %,d-row transactions after %,d warm-up rows, warm:"
                        + " native %.2f s (%,.0f rows/s); consistent %.2f s (%,.0f rows/s, %.2fx native);"
                        + " immediate %.2f s (%,.0f rows/s, %.2fx native)%n", rows, perTransaction, warmUp,
                nativeRun.warmSeconds(), rows / nativeRun.warmSeconds(), consistent.warmSeconds(),
                rows / consistent.warmSeconds(), nativeRun.warmSeconds() / consistent.warmSeconds(),
                immediate.warmSeconds(), rows / immediate.warmSeconds(),
                nativeRun.warmSeconds() / immediate.warmSeconds());
        System.out.printf("BENCH pglogical catch-up, %,d-row transactions, cold (all %,d rows): native %.2f s from"
                        + " ENABLE, %.2f s from its first row; consistent %.2f s from launch, %.2f s from its first"
                        + " row (%.2fx native); immediate %.2f s from launch, %.2f s from its first row (%.2fx"
                        + " native)%n", perTransaction, warmUp + rows, nativeRun.seconds(), nativeRun.fromFirstRow(),
                consistent.seconds(), consistent.fromFirstRow(), nativeRun.fromFirstRow() / consistent.fromFirstRow(),
                immediate.seconds(), immediate.fromFirstRow(), nativeRun.fromFirstRow() / immediate.fromFirstRow());
        for (Map.Entry<String, Run> run : List.of(Map.entry("native subscription", nativeRun),
                Map.entry("cdc-sink consistent", consistent), Map.entry("cdc-sink immediate", immediate))) {
            Run r = run.getValue();
            System.out.printf("BENCH   CPU per row, %,d-row transactions, %s, warm: walsender %.2f us, target"
                            + " server %.2f us, cdc-sink JVM %.2f us; cold: cdc-sink JVM %.2f us (whole process)%n",
                    perTransaction, run.getKey(), r.walsenderCpu() * 1e6 / rows, r.targetCpu() * 1e6 / rows,
                    r.jvmCpu() * 1e6 / rows, r.jvmTotalCpu() * 1e6 / (warmUp + rows));
            if (!r.jvmThreads().isEmpty()) {
                System.out.printf("BENCH     cdc-sink JVM threads per row, warm:%s%n",
                        CpuMeter.perRow(r.jvmThreads(), rows));
            }
        }
    }

    /** Drops the slots on a backlog's database, waiting for walsenders that are still going away. */
    private static void dropSlots(String src) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                source.exec(src, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE database = current_database()");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // still active: its walsender has not exited yet
            }
        }
    }

    /**
     * One consumer's catch-up. {@code seconds}: from launch (or ENABLE) until the last row; {@code fromFirstRow}:
     * from the first applied row until the last; {@code warmSeconds}: from row W until the last, with the CPU
     * seconds spent meanwhile by the walsender serving the slot, the target server and the cdc-sink JVM (0 for the
     * native subscription) and its threads; {@code jvmTotalCpu}: the cdc-sink JVM's CPU from launch to the last row.
     */
    private record Run(double seconds, double fromFirstRow, double warmSeconds, double walsenderCpu, double targetCpu,
                       double jvmCpu, double jvmTotalCpu, Map<String, Double> jvmThreads) {
    }

    /** The CPU meters of one consumer at one moment. */
    private record Reading(double walsender, Map<Integer, Double> target, double jvm,
                           Map<Integer, Map.Entry<String, Double>> threads) {
        static Reading of(EmbeddedPg targetServer, String src, String slot, long jvmPid) {
            return new Reading(CpuMeter.process(walsenderPid(src, slot)), CpuMeter.server(targetServer),
                    jvmPid > 0 ? CpuMeter.process(jvmPid) : 0.0,
                    jvmPid > 0 ? CpuMeter.threads(jvmPid) : Map.of());
        }
    }

    /** The walsender serving the slot (the consumer is connected). */
    private static long walsenderPid(String src, String slot) {
        try (Connection c = source.dataSource(src).getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        return rs.getInt(1);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no walsender serves slot " + slot);
                }
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for the consumer's rows: the first, row W (reading the meters then), row W + N and the count (reading
     * them again), polling by key every 5 ms.
     */
    private static Run follow(EmbeddedPg targetServer, String db, String src, String slot, int warmUp, int rows,
                              long start, long jvmPid) throws Exception {
        long deadline = start + Duration.ofMinutes(30).toNanos();
        try (Connection c = targetServer.dataSource(db).getConnection();
             PreparedStatement any = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM t LIMIT 1) x");
             PreparedStatement key = c.prepareStatement("SELECT count(*) FROM t WHERE id = ?");
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM t")) {
            await(any, deadline);
            long first = System.nanoTime();
            if (warmUp > 0) {
                key.setLong(1, warmUp);
                await(key, deadline);
            }
            long warm = System.nanoTime();
            Reading before = Reading.of(targetServer, src, slot, jvmPid);
            key.setLong(1, warmUp + rows);
            await(key, deadline);
            while (single(count) < warmUp + rows) {
                Thread.sleep(5);
            }
            long end = System.nanoTime();
            Reading after = Reading.of(targetServer, src, slot, jvmPid);
            return new Run((end - start) / 1e9, (end - first) / 1e9, (end - warm) / 1e9,
                    after.walsender() - before.walsender(), CpuMeter.between(before.target(), after.target()),
                    after.jvm() - before.jvm(), after.jvm(),
                    CpuMeter.groupsBetween(before.threads(), after.threads()));
        }
    }

    private static void await(PreparedStatement query, long deadline) throws Exception {
        while (single(query) == 0) {
            assertThat(System.nanoTime()).as("caught up within 30 minutes").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static long single(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A new source database whose table holds {@code rows} rows, committed behind {@code consumers} sets of three new
     * slots ({@code native_<db>_<i>}, {@code ours_<db>_<i>}, {@code imm_<db>_<i>}).
     */
    private static String backlog(int rows, int perTransaction, int consumers) throws SQLException {
        String src = source.freshDatabase("bsrc");
        List<String> setUp = new ArrayList<>(List.of(DDL, "CREATE PUBLICATION p FOR TABLE t"));
        for (int i = 0; i < consumers; i++) {
            for (String kind : List.of("native_", "ours_", "imm_")) {
                setUp.add("SELECT pg_create_logical_replication_slot('" + kind + src + "_" + i + "', 'pgoutput')");
            }
        }
        setUp.add("CREATE PROCEDURE fill(n INT, per INT) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1..n LOOP"
                + " INSERT INTO t VALUES (i, 'name-' || i, i * 1.25, now());"
                + " IF i % per = 0 THEN COMMIT; END IF; END LOOP; END $$");
        source.exec(src, setUp.toArray(String[]::new));
        long loading = System.nanoTime();
        source.exec(src, "CALL fill(" + rows + ", " + perTransaction + ")");
        System.out.printf("BENCH backlog: %,d rows in %,d-row transactions committed in %.1f s%n", rows,
                perTransaction, (System.nanoTime() - loading) / 1e9);
        CpuMeter.settle(source);
        return src;
    }

    /** PostgreSQL's own apply: a subscription on the second server, enabled on the prepared slot. */
    private Run nativeSubscription(String src, String slot, int warmUp, int rows) throws Exception {
        String db = nativeTarget.freshDatabase("bnative");
        nativeTarget.exec(db, DDL, "CREATE SUBSCRIPTION s CONNECTION 'host=localhost port=" + source.port()
                + " dbname=" + src + " user=postgres' PUBLICATION p WITH (create_slot = false, slot_name = '" + slot
                + "', copy_data = false, enabled = false)");
        long start = System.nanoTime();
        nativeTarget.exec(db, "ALTER SUBSCRIPTION s ENABLE");
        Run run = follow(nativeTarget, db, src, slot, warmUp, rows, start, 0);
        nativeTarget.exec(db, "ALTER SUBSCRIPTION s DISABLE", "ALTER SUBSCRIPTION s SET (slot_name = NONE)",
                "DROP SUBSCRIPTION s");
        CpuMeter.settle(nativeTarget);
        return run;
    }

    /** {@code java -jar cdc-sink.jar pglogical}, launched as users launch it, until it has applied every row. */
    private Run ours(String src, String slot, int warmUp, int rows, boolean immediate) throws Exception {
        String db = target.freshDatabase(immediate ? "bimm" : "bours");
        target.exec(db, DDL);
        int port = CdcSinkProcess.freePort();
        List<String> args = new ArrayList<>(List.of("pglogical",
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + src + "?sslmode=disable"
                        + System.getProperty("bench.srcParams", ""),
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", db, "--publicationName", "p", "--slotName", slot, "--standbyTimeout", "1s",
                "--metricsAddr", "127.0.0.1:" + port));
        if (immediate) {
            args.add("--immediate");
        }
        if (Integer.getInteger("bench.fanShards") != null) {
            args.addAll(List.of("--fanShards", Integer.getInteger("bench.fanShards").toString()));
        }
        long start = System.nanoTime();
        Run run;
        try (CdcSinkProcess p = CdcSinkProcess.asUsersRunItStarting(slot, port, args)) {
            // Read the meters before the process stops (its CPU time is gone with it).
            run = follow(target, db, src, slot, warmUp, rows, start, p.pid());
        }
        CpuMeter.settle(target);
        return run;
    }
}
