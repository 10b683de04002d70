package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.it.PgLogicalSteadyStateBench.LagWatcher;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.FaultProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #32, part 3: pglogical in consistent mode into a target across a network. The source commits 1-row
 * transactions into {@code t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ)}, {@code at}
 * being the source's {@code clock_timestamp()} just before the commit. cdc-sink runs as its own process from the
 * shaded jar, as a user runs it, and reaches the target through a {@link FaultProxy} that forwards every chunk 1 ms
 * after it arrived in each direction (a 2 ms round trip), or at once for the comparison. Two workloads per latency:
 * a steady offered rate ({@code -Dbench.rate}, default 6,000 transactions/s, for {@code -Dbench.seconds}, default
 * 30), and the catch-up of a backlog of {@code -Dbench.rows} (default 100,000) transactions committed before
 * cdc-sink starts. A watcher polls the target (directly, not through the proxy) every 5 ms and records, per row, its
 * clock when it first saw the row minus the row's {@code at}: the lag from source commit to target visibility. Every
 * target must end equal to its source. A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=RemoteTargetBench [-Dbench.seconds=30 -Dbench.rows=100000]")
class RemoteTargetBench {
    private static final String DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4),"
            + " at TIMESTAMPTZ)";
    /** The writer's tick: each tick commits the transactions due by then in one round trip to the source. */
    private static final long TICK_NANOS = Duration.ofMillis(10).toNanos();
    private static final String FINGERPRINT = "SELECT count(*) || ' ' || md5(string_agg(id || '|' || name || '|'"
            + " || amount || '|' || extract(epoch FROM at), ',' ORDER BY id)) FROM t";

    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();

    @BeforeAll
    static void startServer() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopServer() {
        source.close();
    }

    @Test
    void oneRowTransactionsIntoATargetTwoMillisecondsAway() throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 30);
        int rate = Integer.getInteger("bench.rate", 6_000);
        int backlog = Integer.getInteger("bench.rows", 100_000);
        for (long oneWayMs : List.of(0L, 1L)) {
            Result steady = steady(oneWayMs, rate, seconds);
            System.out.printf("BENCH remote target, steady, %d ms round trip: %,d 1-row transactions offered at %,d/s"
                            + " for %d s (writer achieved %,.0f/s); applied %,.0f transactions/s; lag from source"
                            + " commit to target visibility p50 %.1f ms, p99 %.1f ms, max %.1f ms; cdc-sink process"
                            + " CPU %.1f us per row%n", 2 * oneWayMs, steady.lags().length, rate, seconds,
                    steady.offered(), steady.applied(), steady.percentile(0.5), steady.percentile(0.99),
                    steady.percentile(1.0), steady.cpuMicrosPerRow());
            Result catchUp = catchUp(oneWayMs, backlog);
            System.out.printf("BENCH remote target, catch-up, %d ms round trip: a backlog of %,d 1-row transactions"
                            + " applied at %,.0f transactions/s (first to last row visible); cdc-sink process CPU"
                            + " %.1f us per row%n", 2 * oneWayMs, catchUp.lags().length, catchUp.applied(),
                    catchUp.cpuMicrosPerRow());
        }
    }

    /** What one phase measured: sorted lags in ms, the writer's and the applier's rates, CPU per row. */
    private record Result(double[] lags, double offered, double applied, double cpuMicrosPerRow) {
        double percentile(double p) {
            return lags[Math.max(0, (int) Math.ceil(p * lags.length) - 1)];
        }
    }

    private Result steady(long oneWayMs, int rate, int seconds) throws Exception {
        int rows = rate * seconds;
        String src = source.freshDatabase("rsrc");
        String db = target.freshDatabase("rtgt");
        prepare(src, db);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (FaultProxy proxy = FaultProxy.to(target.port()); CdcSinkProcess sink = start(proxy, oneWayMs, src, db)) {
            // Row 0 arriving says cdc-sink streams: its start-up is not lag.
            source.exec(src, "INSERT INTO t VALUES (0, 'ready', 0, clock_timestamp())");
            PgLogicalSteadyStateBench.awaitRow(target, db, 0);
            LagWatcher watcher = new LagWatcher(rows, sink.pid());
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).plusMinutes(3).toNanos();
            Future<?> watching = threads.submit(() -> {
                watcher.watch(target, db, deadline);
                return null;
            });
            long start = System.nanoTime();
            double offered = write(src, rows, rate);
            watching.get();
            checkEqual(src, db, rows + 1);
            assertThat(watcher.seen()).as("rows the watcher saw").isEqualTo(rows);
            double applied = rows / ((watcher.lastSeenNanos() - start) / 1e9);
            return new Result(watcher.sortedLagsMs(), offered, applied, watcher.cpuMicrosPerRow());
        } finally {
            threads.shutdownNow();
        }
    }

    private Result catchUp(long oneWayMs, int rows) throws Exception {
        String src = source.freshDatabase("rsrc");
        String db = target.freshDatabase("rtgt");
        prepare(src, db);
        // The backlog: one transaction per row, committed by the server in a loop (one round trip per 10,000).
        for (int first = 1; first <= rows; first += 10_000) {
            source.exec(src, commitEach(first, Math.min(rows, first + 9_999)));
        }
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (FaultProxy proxy = FaultProxy.to(target.port()); CdcSinkProcess sink = start(proxy, oneWayMs, src, db)) {
            LagWatcher watcher = new LagWatcher(rows, sink.pid());
            watcher.watch(target, db, System.nanoTime() + Duration.ofMinutes(3).toNanos());
            checkEqual(src, db, rows);
            assertThat(watcher.seen()).as("rows the watcher saw").isEqualTo(rows);
            double applied = (rows - 1) / ((watcher.lastSeenNanos() - watcher.firstSeenNanos()) / 1e9);
            return new Result(watcher.sortedLagsMs(), rows, applied, watcher.cpuMicrosPerRow());
        } finally {
            threads.shutdownNow();
        }
    }

    private void prepare(String src, String db) throws SQLException {
        source.exec(src, DDL, "CREATE PUBLICATION p FOR TABLE t",
                "SELECT pg_create_logical_replication_slot('s_" + src + "', 'pgoutput')");
        target.exec(db, DDL);
    }

    /** {@code cdc-sink pglogical} in consistent mode, its target connection through the proxy. */
    private CdcSinkProcess start(FaultProxy proxy, long oneWayMs, String src, String db) throws Exception {
        if (oneWayMs > 0) {
            proxy.delay(oneWayMs);
        }
        int port = CdcSinkProcess.freePort();
        List<String> args = new java.util.ArrayList<>(List.of("pglogical",
                "--metricsAddr", "127.0.0.1:" + port,
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + src + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + proxy.port() + "/" + db + "?sslmode=disable",
                "--targetDB", db, "--publicationName", "p", "--slotName", "s_" + src, "--loopName", "remote"));
        // -Dbench.verbose=true: debug logging (each target transaction: source transactions, rows, milliseconds).
        if (Boolean.getBoolean("bench.verbose")) {
            args.add("-v");
        }
        return CdcSinkProcess.asUsersRunIt("remote-" + db, port, args);
    }

    /** A DO block that inserts rows {@code first..last}, committing after each: one source transaction per row. */
    private static String commitEach(long first, long last) {
        return "DO $$ BEGIN FOR g IN " + first + ".." + last + " LOOP INSERT INTO t VALUES (g, 'name-' || g,"
                + " g * 1.25, clock_timestamp()); COMMIT; END LOOP; END $$";
    }

    /**
     * Commits rows 1..n as 1-row transactions at {@code rate} per second on a fixed 10 ms tick (a late tick is
     * caught up); returns the achieved rate.
     */
    private static double write(String db, int rows, int rate) throws SQLException {
        try (Connection c = source.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            // The embedded servers run with synchronous_commit off: a commit's WAL then waits for the WAL writer
            // (every 200 ms) before the WAL sender may send it, which would be most of the lag measured, the same
            // for any consumer. On, each commit is flushed (a no-op write with fsync off) and sent at once.
            s.execute("SET synchronous_commit = on");
            long start = System.nanoTime();
            long written = 0;
            for (long tick = 1; written < rows; tick++) {
                long wait = start + tick * TICK_NANOS - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long due = Math.min(rows, (long) rate * (System.nanoTime() - start) / 1_000_000_000L);
                if (due > written) {
                    s.execute(commitEach(written + 1, due));
                    written = due;
                }
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }

    private void checkEqual(String src, String db, long rows) throws SQLException {
        String want = PgLogicalSteadyStateBench.query(source, src, FINGERPRINT);
        assertThat(PgLogicalSteadyStateBench.query(target, db, FINGERPRINT)).as("the target equals the source")
                .isEqualTo(want).startsWith(rows + " ");
    }
}
