package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.webhook.WebhookConfig;
import io.cdcsink.webhook.WebhookServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput benchmark, not a test: N rows through the webhook in consistent and immediate mode, next to the plain
 * JDBC reference (batched multi-row upserts). Run with
 * {@code mvn -B verify -pl cdcsink-it -am -Dbench=true -Dit.test=WebhookThroughputBench -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false}
 * and read the numbers from {@code target/failsafe-reports/io.cdcsink.it.WebhookThroughputBench-output.txt}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark; run with -Dbench=true")
class WebhookThroughputBench {
    private static final int ROWS = Integer.getInteger("bench.rows", 200_000);
    /** Rows per request: 1,000 as issue #8 sets; {@code -Dbench.batch} tries others (a divisor of 10,000). */
    private static final int BATCH = Integer.getInteger("bench.batch", 1000);
    /** Concurrent senders: 4 as issue #8 sets; {@code -Dbench.senders} tries others. */
    private static final int SENDERS = Integer.getInteger("bench.senders", 4);
    /** cdc-sink's {@code --targetWriters}; {@code -Dbench.writers} tries others (4 and up: no request combined). */
    private static final int WRITERS = Integer.getInteger("bench.writers", TargetConfig.DEFAULT_WRITERS);
    /**
     * Rows each path is warmed up with, untimed, in runs of the measured size: five times the measured run, at most 1M ({@code -Dbench.warmUp}
     * overrides it). Requests, not rows, drive the per-request code (Jetty, the HTTP client, the driver's statement
     * paths): after a warm-up of the measured run's size the JIT still spent 4.5–5 µs per row compiling during the
     * measured 1M-row consistent run, and 1.8–2.5 µs after a 1M-row warm-up.
     */
    private static final int WARM_UP = Integer.getInteger("bench.warmUp", Math.min(5 * ROWS, 1_000_000));
    private static final int RESOLVE_EVERY = 10_000;
    /**
     * Whether cdc-sink runs inside this JVM (the embedding API) instead of as the real launcher jar in its own JVM,
     * the default since #26: in one JVM the senders' HTTP client and the reference's driver calls shared cdc-sink's
     * compiled code, and every switch between the paths threw some of it back to the interpreter (600 methods made
     * not entrant and 2.6 µs of JIT per row in a measured 1M-row consistent run).
     */
    private static final boolean IN_PROCESS = Boolean.getBoolean("bench.inProcess");

    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final Http http = new Http();

    @Test
    void throughput() throws Exception {
        if (RESOLVE_EVERY % BATCH != 0) {
            throw new IllegalArgumentException("-Dbench.batch must divide " + RESOLVE_EVERY + " (the senders resolve"
                    + " every " + RESOLVE_EVERY + " rows), was " + BATCH);
        }
        // One cdc-sink per mode and one target database per path for the whole benchmark, as a running deployment
        // has: each run empties the table first. With a fresh database and a fresh cdc-sink per run, code first
        // taken on a new database (creating the staging table, describing the table) threw compiled methods back to
        // the interpreter at the start of every measured run, and C2 spent up to a second recompiling one of them
        // (SqlStager.stage) inside the timed window: JIT threads at 1.4–7.3 µs per row.
        String referenceDb = freshTarget();
        try (Sink consistentSink = new Sink(false); Sink immediateSink = new Sink(true)) {
            measure(referenceDb, consistentSink, immediateSink);
        }
    }

    private void measure(String referenceDb, Sink consistentSink, Sink immediateSink) throws Exception {
        System.out.printf("BENCH cdc-sink runs %s%n", IN_PROCESS ? "in the test JVM (-Dbench.inProcess=true)"
                : "as its launcher jar in its own JVM, one per mode (java -jar cdc-sink.jar start ...)");
        // Class loading and the JIT would count against whichever run comes first: warm every path up, untimed.
        // In runs of the measured size: one run of five times as many rows took paths the measured runs do not (its
        // windows overflowed the staged rows kept in memory), and the first measured run then threw compiled code
        // of those paths back to the interpreter (Jackson's tokenizer, StagedCache.add) and compiled it again.
        for (int done = 0; done < WARM_UP; done += ROWS) {
            reference(referenceDb, Math.min(ROWS, WARM_UP - done));
            consistentSink.run(Math.min(ROWS, WARM_UP - done));
            immediateSink.run(Math.min(ROWS, WARM_UP - done));
        }
        CpuMeter.settle(pg);
        // The reference runs before and after cdc-sink and the ratios use the mean: on a shared host its rate
        // drifted by up to a factor of two between runs, which a single run would pass on to the ratios.
        // -Dbench.repeats=3 measures the whole sequence three times and reports each ratio's median too.
        int repeats = Ratios.repeats(10, "each repeat takes four measured runs");
        List<Double> consistentRatios = new ArrayList<>();
        List<Double> immediateRatios = new ArrayList<>();
        double consistent = 0;
        double immediate = 0;
        for (int r = 0; r < repeats; r++) {
            double before = measured("reference", null, () -> reference(referenceDb, ROWS));
            consistent = measured("consistent", consistentSink, () -> consistentSink.run(ROWS));
            immediate = measured("immediate", immediateSink, () -> immediateSink.run(ROWS));
            double after = measured("reference again", null, () -> reference(referenceDb, ROWS));
            double reference = (before + after) / 2;
            System.out.printf("BENCH rows=%d batch=%d senders=%d writers=%d%n", ROWS, BATCH, SENDERS, WRITERS);
            System.out.printf("BENCH reference jdbc upsert : %,.0f rows/s (mean of %,.0f before and %,.0f after)%n",
                    reference, before, after);
            System.out.printf("BENCH webhook consistent    : %,.0f rows/s (%.2f of reference)%n", consistent,
                    consistent / reference);
            System.out.printf("BENCH webhook immediate     : %,.0f rows/s (%.2f of reference)%n", immediate,
                    immediate / reference);
            consistentRatios.add(consistent / reference);
            immediateRatios.add(immediate / reference);
        }
        if (repeats > 1) {
            System.out.printf("BENCH webhook, median of %d runs: consistent %.2f of reference (runs %s), immediate"
                    + " %.2f (runs %s)%n", repeats, Ratios.median(consistentRatios),
                    Ratios.list(consistentRatios), Ratios.median(immediateRatios),
                    Ratios.list(immediateRatios));
        }
        String copyDb = freshTarget();
        double copy = TargetWriteReference.copy(pg, copyDb, ROWS);
        TargetWriteReference.verify(pg, copyDb, ROWS);
        System.out.printf("BENCH plain COPY (4 connections, 1,000-row COPYs): %,.0f rows/s; consistent %.2f and"
                + " immediate %.2f of it (the last run's)%n", copy, consistent / copy, immediate / copy);
        assertThat(consistent).isPositive();
    }

    /**
     * A run that returns rows/s, measured: prints the CPU per row of the target server, of the cdc-sink process (when
     * {@code sink} runs as one) and of this JVM, each with its threads.
     */
    private double measured(String what, Sink sink, Callable<Double> run) throws Exception {
        Map<Integer, Double> server0 = CpuMeter.server(pg);
        Map<Integer, Map.Entry<String, Double>> threads0 = CpuMeter.threads();
        double jvm0 = CpuMeter.self();
        Long pid = sink == null || sink.process == null ? null : sink.process.pid();
        Map<Integer, Map.Entry<String, Double>> sinkThreads0 = pid == null ? Map.of() : CpuMeter.threads(pid);
        double sink0 = pid == null ? 0 : CpuMeter.process(pid);
        long startMillis = System.currentTimeMillis();
        double rowsPerSecond = run.call();
        long endMillis = System.currentTimeMillis();
        double server = CpuMeter.between(server0, CpuMeter.server(pg));
        double jvm = CpuMeter.self() - jvm0;
        String threads = CpuMeter.perRow(CpuMeter.groupsBetween(threads0, CpuMeter.threads()), ROWS);
        String cdcSink = "";
        if (pid != null) {
            double own = CpuMeter.process(pid) - sink0;
            cdcSink = String.format(" cdc-sink process %.1f us (threads:%s);", own * 1e6 / ROWS,
                    CpuMeter.perRow(CpuMeter.groupsBetween(sinkThreads0, CpuMeter.threads(pid)), ROWS));
        }
        CpuMeter.settle(pg);
        // The wall-clock span lets a profile of the run (JFR, perf) be cut to the measured part.
        System.out.printf("BENCH   CPU per row, %s (%tT.%<tL to %tT.%<tL): target server %.1f us;%s test JVM (%s)"
                + " %.1f us; threads:%s%n", what, startMillis, endMillis, server * 1e6 / ROWS, cdcSink,
                sink == null ? "the reference's writers" : IN_PROCESS ? "senders and cdc-sink" : "senders",
                jvm * 1e6 / ROWS, threads);
        return rowsPerSecond;
    }

    /** Empties {@code t} between runs: TRUNCATE gives it new, empty files, as a fresh database would. */
    private void empty(String db) throws Exception {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE t");
        }
    }

    private String freshTarget() throws Exception {
        String db = pg.freshDatabase("bench");
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ)");
        }
        return db;
    }

    private static String row(long id) {
        return "{\"id\":" + id + ",\"name\":\"name-" + id + "\",\"amount\":" + id + ".1234,\"at\":\"2024-01-01T00:00:"
                + String.format("%02d", id % 60) + "Z\"}";
    }

    /** Batch {@code b} of rows 0..{@code rows - 1}: its rows' JSON objects, comma-separated. */
    private static String rowsOfBatch(long b, int rows, Function<Long, String> each) {
        StringBuilder sb = new StringBuilder();
        for (long id = b * BATCH; id < Math.min(rows, (b + 1) * BATCH); id++) {
            sb.append(id == b * BATCH ? "" : ",").append(each.apply(id));
        }
        return sb.toString();
    }

    /**
     * What each sender sends, built before the clock starts: generating the load is not what is measured, and on 2
     * cores its CPU would count against whichever side is timed.
     */
    private static List<List<String>> bodies(int rows, Function<Long, String> batch) {
        List<List<String>> perSender = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            List<String> mine = new ArrayList<>();
            for (long b = s; b * BATCH < rows; b += SENDERS) {
                mine.add(batch.apply(b));
            }
            perSender.add(mine);
        }
        return perSender;
    }

    private double reference(String db, int rows) throws Exception {
        empty(db);
        List<List<String>> bodies = bodies(rows, b -> "[" + rowsOfBatch(b, rows, WebhookThroughputBench::row) + "]");
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> work = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            work.add(pool.submit(() -> {
                try (Connection c = pg.dataSource(db).getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO t SELECT * FROM jsonb_populate_recordset("
                             + "NULL::t, ?::jsonb) ON CONFLICT (id) DO UPDATE SET (name, amount, at) = "
                             + "(excluded.name, excluded.amount, excluded.at)")) {
                    for (String body : bodies.get(sender)) {
                        ps.setString(1, body);
                        ps.executeUpdate();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /** cdc-sink in one mode on its own target database, kept for every run of that mode. */
    private final class Sink implements AutoCloseable {
        private final boolean immediate;
        private final String db;
        /** cdc-sink in this JVM ({@link #IN_PROCESS}), else null. */
        private final Replicator replicator;
        /** cdc-sink as its launcher jar in its own JVM, else null. */
        private final CdcSinkProcess process;
        private final URI base;
        private final URI hook;
        /** The first timestamp of the next run: each run's are later than every earlier run's. */
        private long nextTime = 1_000;
        /** Windows applied, read ahead, and read from memory (per table, ahead or drained) so far, from the metrics. */
        private final double[] windows = new double[3];

        Sink(boolean immediate) throws Exception {
            this.immediate = immediate;
            this.db = freshTarget();
            if (IN_PROCESS) {
                TargetConfig target = TargetConfig.of(pg.connectionString()).withImmediate(immediate)
                        .withWriters(WRITERS);
                this.replicator = Replicator.builder().target(target).disableAuthentication()
                        .source("webhook", WebhookConfig.of("127.0.0.1:0").toOptions()).start();
                this.process = null;
                this.base = URI.create("http://127.0.0.1:" + replicator.source(WebhookServer.class).port());
            } else {
                int port = CdcSinkProcess.freePort();
                List<String> args = new ArrayList<>(List.of("start", "--conn", pg.connectionString(), "--bindAddr",
                        "127.0.0.1:" + port, "--disableAuthentication", "--targetWriters", Integer.toString(WRITERS)));
                if (immediate) {
                    args.add("--immediate");
                }
                this.replicator = null;
                this.process = CdcSinkProcess.asUsersRunIt(immediate ? "bench-immediate" : "bench-consistent", port,
                        args);
                this.base = process.uri("");
            }
            this.hook = URI.create(base + "/" + db + "/public");
        }

        double run(int rows) throws Exception {
            // Every row of the previous run is applied (it waited for them), so nothing is staged any more.
            empty(db);
            long base = nextTime;
            nextTime += rows / BATCH + 2;
            AtomicLong sent = new AtomicLong();
            // next[s] = the next batch index sender s will send; every batch below min(next) has been delivered.
            java.util.concurrent.atomic.AtomicLongArray next = new java.util.concurrent.atomic.AtomicLongArray(SENDERS);
            long[] lastResolved = {0};
            List<List<byte[]>> requests = bodies(rows, b -> "{\"payload\":[" + rowsOfBatch(b, rows,
                    id -> "{\"after\":" + row(id) + ",\"key\":[" + id + "],\"topic\":\"t\",\"updated\":\""
                            + (base + b) + ".0\"}") + "],\"length\":" + BATCH + "}").stream()
                    .map(mine -> mine.stream().map(body -> PostingConnection.request(hook, body)).toList()).toList();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                next.set(s, s);
                work.add(pool.submit(() -> {
                    List<byte[]> mine = requests.get(sender);
                    try (PostingConnection connection = new PostingConnection(hook)) {
                        for (int k = 0; k < mine.size(); k++) {
                            long b = sender + (long) k * SENDERS;
                            Http.Reply reply = connection.post(mine.get(k));
                            if (reply.status() != 200) {
                                throw new IllegalStateException(reply.body());
                            }
                            next.set(sender, b + SENDERS);
                            long total = sent.addAndGet(BATCH);
                            if (total % RESOLVE_EVERY == 0) {
                                synchronized (lastResolved) {
                                    long min = Long.MAX_VALUE;
                                    for (int i = 0; i < SENDERS; i++) {
                                        min = Math.min(min, next.get(i));
                                    }
                                    long resolved = base + min - 1;
                                    if (resolved > lastResolved[0]) {
                                        lastResolved[0] = resolved;
                                        Http.Reply r = connection.post(PostingConnection.request(hook,
                                                "{\"resolved\":\"" + resolved + ".0\"}"));
                                        if (r.status() != 200) {
                                            throw new IllegalStateException(r.body());
                                        }
                                    }
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            pool.shutdown();
            double sendersDone = (System.nanoTime() - start) / 1e9;
            http.post(hook, "{\"resolved\":\"" + (base + rows / BATCH + 1) + ".0\"}");
            double seconds = TargetWriteReference.awaitRows(pg, db, rows - 1, rows, start);
            if (rows == ROWS) {
                // In consistent mode the resolver can trail the senders: what it applies after they are done runs on
                // one connection, so one core, and shows here.
                System.out.printf("BENCH   %s: the senders were done after %.1f s, the target had every row after"
                        + " %.1f s%n", immediate ? "immediate" : "consistent", sendersDone, seconds);
                if (!immediate) {
                    printWindows();
                }
            }
            return rows / seconds;
        }

        /** How this run's windows were read: ahead or not, and from the rows this process staged or the table. */
        private void printWindows() throws Exception {
            String varz = http.get(URI.create(base + "/_/varz")).body();
            String[] names = {"resolve_windows_applied_total", "resolve_windows_read_ahead_total",
                    "stage_windows_from_memory_total"};
            double[] now = new double[names.length];
            for (String line : varz.split("\n")) {
                for (int i = 0; i < names.length; i++) {
                    if (line.startsWith(names[i] + "{")) {
                        now[i] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
            System.out.printf("BENCH   consistent windows: %.0f applied, %.0f read ahead, %.0f read from memory (ahead or"
                    + " in their transaction)%n",
                    now[0] - windows[0], now[1] - windows[1], now[2] - windows[2]);
            System.arraycopy(now, 0, windows, 0, now.length);
        }

        @Override
        public void close() throws Exception {
            if (replicator != null) {
                replicator.close();
            }
            if (process != null) {
                process.close();
            }
        }
    }
}
