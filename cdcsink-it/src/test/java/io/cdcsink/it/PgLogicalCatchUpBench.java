package io.cdcsink.it;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.pg.PgLogicalConfig;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #8, workload 2: pglogical catching up with a backlog, against PostgreSQL's own logical replication. A
 * backlog of N rows ({@code id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ}) is committed
 * behind three slots created before it: one for a native subscription on a second embedded server, one for
 * cdc-sink in consistent mode and one for cdc-sink in immediate mode (both in this JVM through the embedding API,
 * into the shared embedded server). Each then replicates the whole backlog alone, timed from its start until the
 * target holds N rows. Two shapes: 5,000-row and 1-row source transactions. All three servers are embedded
 * PostgreSQL with the same settings (fsync and synchronous_commit off). A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=PgLogicalCatchUpBench [-Dbench.rows=500000]")
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
        int rows = Integer.getInteger("bench.rows", 500_000);
        // 200,000 rows per shape: after 20,000 the JIT still compiled for 1–2.8 us per row in the measured run.
        int warmUp = Integer.getInteger("bench.warmUp", Math.min(rows, 200_000));
        // Runs of one shape drift by up to a third between repetitions on a shared 2-core host: -Dbench.repeats=3
        // measures every consumer three times, alternating, and reports each ratio's median too.
        int repeats = Ratios.repeats(3, "three slots a run; the server allows 20");
        // -Dbench.perTransaction=5000 measures one shape only.
        for (String shape : System.getProperty("bench.perTransaction", "5000,1").split(",")) {
            int perTransaction = Integer.parseInt(shape.strip());
            // Class loading and the JIT would count against whichever cdc-sink run comes first: warm both modes up,
            // on this shape, since per-transaction code runs 5,000 times as often with 1-row transactions. Twice:
            // each run starts on a fresh target database, and code first taken there (the first description of the
            // table, creating the loop's state) threw compiled methods back to the interpreter in the next run, so C2
            // recompiled them during a measured one.
            String warm = backlog(warmUp, perTransaction, 2);
            for (int w = 0; w < 2; w++) {
                ours(warm, "ours_" + warm + "_" + w, warmUp, false);
                ours(warm, "imm_" + warm + "_" + w, warmUp, true);
            }
            // The server allows 20 slots, and a slot left behind holds on to WAL: drop each backlog's when done.
            dropSlots(warm);
            String src = backlog(rows, perTransaction, repeats);
            List<Double> consistentRatios = new ArrayList<>();
            List<Double> immediateRatios = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                Run nativeRun = nativeSubscription(src, "native_" + src + "_" + r, rows);
                Run consistent = ours(src, "ours_" + src + "_" + r, rows, false);
                Run immediate = ours(src, "imm_" + src + "_" + r, rows, true);
                consistentRatios.add(nativeRun.seconds() / consistent.seconds());
                immediateRatios.add(nativeRun.seconds() / immediate.seconds());
                report(rows, perTransaction, nativeRun, consistent, immediate);
            }
            dropSlots(src);
            if (repeats > 1) {
                System.out.printf("BENCH pglogical catch-up, %,d-row transactions, median of %d runs: consistent"
                        + " %.2fx native (runs %s), immediate %.2fx native (runs %s)%n", perTransaction, repeats,
                        Ratios.median(consistentRatios), Ratios.list(consistentRatios), Ratios.median(immediateRatios),
                        Ratios.list(immediateRatios));
            }
        }
    }

    private static void report(int rows, int perTransaction, Run nativeRun, Run consistent, Run immediate) {
        System.out.printf("BENCH pglogical catch-up, %,d rows in %,d-row transactions: native subscription"
                        + " %.1f s (%,.0f rows/s); cdc-sink consistent %.1f s (%,.0f rows/s, %.2fx native);"
                        + " cdc-sink immediate %.1f s (%,.0f rows/s, %.2fx native)%n", rows, perTransaction,
                nativeRun.seconds(), rows / nativeRun.seconds(), consistent.seconds(),
                rows / consistent.seconds(), nativeRun.seconds() / consistent.seconds(), immediate.seconds(),
                rows / immediate.seconds(), nativeRun.seconds() / immediate.seconds());
        for (Map.Entry<String, Run> run : List.of(Map.entry("native subscription", nativeRun),
                Map.entry("cdc-sink consistent", consistent), Map.entry("cdc-sink immediate", immediate))) {
            System.out.printf("BENCH   CPU per row, %,d-row transactions, %s: source server %.1f us (its"
                            + " walsender %.1f us), target server %.1f us, test JVM (cdc-sink when embedded) %.1f us%n",
                    perTransaction, run.getKey(), run.getValue().sourceCpu() * 1e6 / rows,
                    run.getValue().walsenderCpu() * 1e6 / rows, run.getValue().targetCpu() * 1e6 / rows,
                    run.getValue().jvmCpu() * 1e6 / rows);
            System.out.printf("BENCH     JVM threads per row:%s%n", CpuMeter.perRow(run.getValue().jvmThreads(), rows));
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
     * One consumer's catch-up: its wall time, and the CPU seconds spent meanwhile by the source server (and, of
     * that, by the walsender serving the consumer's slot: it started with the run, so its whole CPU time is the
     * run's), by the target server and by this JVM (which runs cdc-sink in the cdc-sink runs, and only the waiting
     * otherwise).
     */
    private record Run(double seconds, double sourceCpu, double walsenderCpu, double targetCpu, double jvmCpu,
                       Map<String, Double> jvmThreads) {
    }

    /** Reads the CPU meters when created and turns them into a {@link Run} when the target holds all rows. */
    private static final class Meters {
        private final EmbeddedPg targetServer;
        private final String src;
        private final String slot;
        private final Map<Integer, Double> source0;
        private final Map<Integer, Double> target0;
        private final double jvm0 = CpuMeter.self();
        private final Map<Integer, Map.Entry<String, Double>> threads0 = CpuMeter.threads();

        Meters(EmbeddedPg targetServer, String src, String slot) {
            this.targetServer = targetServer;
            this.src = src;
            this.slot = slot;
            this.source0 = CpuMeter.server(source);
            this.target0 = CpuMeter.server(targetServer);
        }

        Run done(double seconds) {
            return new Run(seconds, CpuMeter.between(source0, CpuMeter.server(source)), walsenderCpu(),
                    CpuMeter.between(target0, CpuMeter.server(targetServer)), CpuMeter.self() - jvm0,
                    CpuMeter.groupsBetween(threads0, CpuMeter.threads()));
        }

        /** CPU seconds of the walsender still serving the slot (the consumer has not disconnected yet). */
        private double walsenderCpu() {
            try (Connection c = source.dataSource(src).getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getObject(1) == null) {
                        throw new IllegalStateException("no walsender serves slot " + slot);
                    }
                    return CpuMeter.process(rs.getInt(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
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
    private Run nativeSubscription(String src, String slot, int rows) throws Exception {
        String db = nativeTarget.freshDatabase("bnative");
        nativeTarget.exec(db, DDL, "CREATE SUBSCRIPTION s CONNECTION 'host=localhost port=" + source.port()
                + " dbname=" + src + " user=postgres' PUBLICATION p WITH (create_slot = false, slot_name = '" + slot
                + "', copy_data = false, enabled = false)");
        Meters meters = new Meters(nativeTarget, src, slot);
        long start = System.nanoTime();
        nativeTarget.exec(db, "ALTER SUBSCRIPTION s ENABLE");
        Run run = meters.done(TargetWriteReference.awaitRows(nativeTarget, db, rows, rows, start));
        nativeTarget.exec(db, "ALTER SUBSCRIPTION s DISABLE", "ALTER SUBSCRIPTION s SET (slot_name = NONE)",
                "DROP SUBSCRIPTION s");
        CpuMeter.settle(nativeTarget);
        return run;
    }

    /** cdc-sink's pglogical through the embedding API, as the {@code pglogical} command runs it. */
    private Run ours(String src, String slot, int rows, boolean immediate) throws Exception {
        String db = target.freshDatabase(immediate ? "bimm" : "bours");
        target.exec(db, DDL);
        // -Dbench.srcParams appends PgJDBC parameters to cdc-sink's source URL (e.g. &receiveBufferSize=32768).
        String url = "postgresql://postgres@localhost:" + source.port() + "/" + src + "?sslmode=disable"
                + System.getProperty("bench.srcParams", "");
        PgLogicalConfig pg = PgLogicalConfig.of(url, "p", slot, db, Duration.ofSeconds(1));
        LogicalConfig loop = LogicalConfig.defaults("bench", db).withImmediate(immediate);
        if (Integer.getInteger("bench.fanShards") != null) {
            loop = loop.withFanShards(Integer.getInteger("bench.fanShards"));
        }
        Meters meters = new Meters(target, src, slot);
        long start = System.nanoTime();
        Run run;
        try (Replicator replicator = Replicator.builder()
                .target(TargetConfig.of("postgresql://postgres@localhost:" + target.port() + "/" + db
                        + "?sslmode=disable"))
                .withoutStaging()
                .source("pglogical", BenchOptions.merge(pg.toOptions(), loop.toOptions()))
                .start()) {
            // Read the meters before the replicator closes its connections, which takes their CPU time along.
            run = meters.done(TargetWriteReference.awaitRows(target, db, rows, rows, start));
        }
        CpuMeter.settle(target);
        return run;
    }
}
