package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput of {@link JsonApplier#apply} against a reference that sends the same rows as hand-written
 * {@code INSERT ... SELECT FROM jsonb_populate_recordset(...) ON CONFLICT DO UPDATE} statements. Both write N rows
 * of a four-column table in one transaction; the applier gets them in calls of 2,000 mutations. Each line reports
 * rows/s and the CPU time of the calling thread per row (where the applier's own work runs; the database's
 * processes are not counted). The first round includes JIT warm-up. A benchmark, not a test: it only runs on
 * request.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason =
        "benchmark: run with mvn -B -pl cdcsink-apply verify -Dbench=true -Dit.test=ApplierThroughputIT"
                + " [-Dbench.rows=200000] [-Dbench.rounds=3]")
class ApplierThroughputIT {
    private static final int ROWS = Integer.getInteger("bench.rows", 200_000);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int CALL = 2_000;
    private static final int REFERENCE_CHUNK = 1_000;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Test
    void applierAgainstRawSql() throws SQLException {
        ApplyFixture fx = new ApplyFixture("bench");
        fx.exec("CREATE TABLE t (k INT PRIMARY KEY, v TEXT, n NUMERIC, ts TIMESTAMPTZ)");
        TableName t = fx.table("t");
        List<Mutation> mutations = mutations();
        for (int round = 1; round <= ROUNDS; round++) {
            fx.exec("TRUNCATE t");
            report("reference", round, () -> reference(fx, mutations));
            assertThat(fx.count("t")).isEqualTo(ROWS);
            fx.exec("TRUNCATE t");
            report("applier", round, () -> applier(fx, t, mutations));
            assertThat(fx.count("t")).isEqualTo(ROWS);
            assertThat(fx.rows("SELECT v, n::text, ts = '2024-01-01 00:00:00+00' FROM t WHERE k = 7"))
                    .containsExactly(List.of("0123456789abcdefghij-7", "7.5", "t"));
        }
    }

    private static List<Mutation> mutations() {
        List<Mutation> out = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            out.add(Mutation.upsert(at(1), "[\"" + i + "\"]", "{\"k\":\"" + i + "\",\"v\":\"0123456789abcdefghij-" + i
                    + "\",\"n\":\"" + i + ".5\",\"ts\":\"2024-01-01 00:00:00+00\"}"));
        }
        return out;
    }

    private static void reference(ApplyFixture fx, List<Mutation> mutations) throws SQLException {
        String sql = "INSERT INTO t (k, v, n, ts) SELECT k, v, n, ts FROM jsonb_populate_recordset(NULL::t, ?::jsonb)"
                + " ON CONFLICT (k) DO UPDATE SET (v, n, ts) = ROW(excluded.v, excluded.n, excluded.ts)";
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < mutations.size(); i += REFERENCE_CHUNK) {
                StringBuilder param = new StringBuilder("[");
                for (Mutation m : mutations.subList(i, Math.min(mutations.size(), i + REFERENCE_CHUNK))) {
                    if (param.length() > 1) {
                        param.append(',');
                    }
                    param.append(m.data().orElseThrow());
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, param.append(']').toString());
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }

    private static void applier(ApplyFixture fx, TableName t, List<Mutation> mutations) throws SQLException {
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < mutations.size(); i += CALL) {
                fx.applier.apply(c, t, mutations.subList(i, Math.min(mutations.size(), i + CALL)));
            }
            c.commit();
        }
    }

    private void report(String what, int round, Run run) throws SQLException {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        run.run();
        long wall = System.nanoTime() - wall0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf(Locale.ROOT, "BENCH %-9s round %d: %d rows in %.2f s = %,.0f rows/s; calling thread CPU"
                        + " %.2f s (%.1f us/row)%n", what, round, ROWS, wall / 1e9, ROWS / (wall / 1e9), cpu / 1e9,
                cpu / 1e3 / ROWS);
    }

    @FunctionalInterface
    private interface Run {
        void run() throws SQLException;
    }
}
