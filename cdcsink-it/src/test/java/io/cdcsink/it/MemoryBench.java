package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #8, workload 5: memory. The real jar at {@code -Xmx256m} (what {@link CdcSinkProcess} launches) replicates
 * N rows ({@code id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ}) in two shapes that
 * a replicator holding a whole transaction in memory would not survive:
 * <ol>
 *     <li>{@code cdc-sink pglogical} (consistent) receives ONE source transaction of N rows;</li>
 *     <li>{@code cdc-sink start} (staging, consistent) is posted N rows as webhook batches with no resolved
 *     timestamp until all are staged, then one resolved timestamp: a single N-row window to apply.</li>
 * </ol>
 * Each reports the time, rows/s, the peak resident memory ({@code VmHWM}) and the peak heap used (sampled every
 * second, see {@link MemoryBenchSampler}), and checks that the target holds exactly the N rows and that the process
 * is alive, healthy and logged no {@code OutOfMemoryError}. A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=MemoryBench [-Dbench.rows=1000000]")
class MemoryBench {
    private static final String DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4),"
            + " at TIMESTAMPTZ)";
    private static final int BATCH = 1_000;
    private static final int SENDERS = 4;
    /** The CockroachDB wall time of batch {@code b} is {@code BASE_NANOS + b}; resolved is past the last batch. */
    private static final long BASE_NANOS = 1_000;

    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();
    private final int rows = Integer.getInteger("bench.rows", 1_000_000);
    private final Duration timeout = Duration.ofMinutes(Long.getLong("bench.timeoutMinutes", 30));

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @Test
    void oneHugeSourceTransactionThroughPgLogical() throws Exception {
        String src = source.freshDatabase("msrc");
        String dst = target.freshDatabase("mdst");
        source.exec(src, DDL, "CREATE PUBLICATION p FOR TABLE t",
                "SELECT pg_create_logical_replication_slot('cdc_sink_" + src + "', 'pgoutput')");
        target.exec(dst, DDL);
        List<String> flags = List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + src + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", dst, "--publicationName", "p", "--slotName", "cdc_sink_" + src,
                "--standbyTimeout", "1s", "--retryDelay", "1s");
        try (CdcSinkProcess p = CdcSinkProcess.logicalStarting("pglogical", "memory-pglogical", flags);
             MemoryBenchSampler sampler = healthy(p)) {
            long committing = System.nanoTime();
            source.exec(src, "INSERT INTO t SELECT g, 'name-' || g, g * 1.25, now()"
                    + " FROM generate_series(1, " + rows + ") g");
            long committed = System.nanoTime();
            awaitRows(p, dst, committed);
            double seconds = (System.nanoTime() - committed) / 1e9;
            sampler.close();
            assertThat(digest(target, dst)).as("target equal to the source").isEqualTo(digest(source, src));
            report("pglogical, one " + String.format("%,d", rows) + "-row source transaction (committed in "
                    + String.format("%.1f", (committed - committing) / 1e9) + " s)", p, sampler.peaks(),
                    "replicated in", seconds, sampler.idle());
        }
    }

    @Test
    void oneHugeResolvedWindowThroughTheWebhook() throws Exception {
        String db = target.freshDatabase("mhook");
        target.exec(db, DDL);
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + db + "?sslmode=disable";
        try (CdcSinkProcess p = CdcSinkProcess.startingOn(CdcSinkProcess.freePort(), conn, "memory-webhook");
             MemoryBenchSampler sampler = healthy(p)) {
            URI hook = p.uri("/" + db + "/public");
            long start = System.nanoTime();
            int batches = post(hook);
            long staged = System.nanoTime();
            assertThat(count(db)).as("nothing applied before the resolved timestamp").isZero();
            Http.Reply resolved = new Http().post(hook, "{\"resolved\":\"" + (BASE_NANOS + batches) + ".0\"}");
            assertThat(resolved.status()).as("resolved timestamp accepted: " + resolved.body()).isEqualTo(200);
            awaitRows(p, db, staged);
            long applied = System.nanoTime();
            sampler.close();
            assertWebhookRows(db);
            report(String.format("webhook, one %,d-row resolved window (%d senders, %,d rows per POST; staged in"
                            + " %.1f s, %,.0f rows/s)", rows, SENDERS, BATCH, (staged - start) / 1e9,
                    rows / ((staged - start) / 1e9)), p, sampler.peaks(), "applied the window in",
                    (applied - staged) / 1e9, sampler.idle());
            System.out.printf("BENCH   end to end (post + apply): %.1f s, %,.0f rows/s%n", (applied - start) / 1e9,
                    rows / ((applied - start) / 1e9));
        }
    }

    /**
     * Waits for a launched cdc-sink to become healthy, then samples it. Launched inside the caller's
     * try-with-resources so that a process that never becomes healthy is still stopped; the wait is long because the
     * benchmark may share two cores with other work.
     */
    private static MemoryBenchSampler healthy(CdcSinkProcess p) throws Exception {
        p.awaitHealthy(Duration.ofMinutes(3));
        return MemoryBenchSampler.start(p);
    }

    /** Posts all rows as webhook batches from {@link #SENDERS} threads; returns the number of batches. */
    private int post(URI hook) throws Exception {
        int batches = (rows + BATCH - 1) / BATCH;
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                work.add(pool.submit(() -> {
                    Http http = new Http();
                    for (int b = sender; b < batches; b += SENDERS) {
                        Http.Reply reply = http.post(hook, batch(b));
                        if (reply.status() != 200) {
                            throw new IllegalStateException("batch " + b + ": " + reply.status() + " "
                                    + reply.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return batches;
    }

    /** Rows {@code b * BATCH} up to the next batch (or N), all at wall time {@code BASE_NANOS + b}. */
    private String batch(int b) {
        long first = (long) b * BATCH;
        long end = Math.min(rows, first + BATCH);
        StringBuilder sb = new StringBuilder(160 * BATCH).append("{\"payload\":[");
        for (long id = first; id < end; id++) {
            sb.append(id == first ? "" : ",").append("{\"after\":{\"id\":").append(id).append(",\"name\":\"name-")
                    .append(id).append("\",\"amount\":").append(id).append(".1234,\"at\":\"2024-01-01T00:00:")
                    .append(String.format("%02d", id % 60)).append("Z\"},\"key\":[").append(id)
                    .append("],\"topic\":\"t\",\"updated\":\"").append(BASE_NANOS + b).append(".0\"}");
        }
        return sb.append("],\"length\":").append(end - first).append('}').toString();
    }

    /** Every row arrived with the values posted for its id. */
    private void assertWebhookRows(String db) throws SQLException {
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE name = 'name-' || id"
                     + " AND amount = id + 0.1234 AND at = '2024-01-01T00:00:00Z'::timestamptz"
                     + " + make_interval(secs => id % 60)), min(id), max(id) FROM t")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                    .as("count, rows equal to what was posted, min id, max id")
                    .containsExactly((long) rows, (long) rows, 0L, rows - 1L);
        }
    }

    /** Waits until the target table holds N rows, failing early if cdc-sink dies. */
    private void awaitRows(CdcSinkProcess p, String db, long since) throws Exception {
        long deadline = since + timeout.toNanos();
        while (count(db) < rows) {
            assertThat(p.isAlive()).as("cdc-sink still running; log tail:%n%s", tail(p)).isTrue();
            assertThat(System.nanoTime()).as("all %,d rows within %s", rows, timeout).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private long count(String db) throws SQLException {
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Checks that cdc-sink came through in good shape and prints the {@code BENCH} lines. */
    private void report(String what, CdcSinkProcess p, MemoryBenchSampler.Peaks peaks, String verb, double seconds,
                        MemoryBenchSampler.Peaks idle) throws Exception {
        int health = new Http().get(p.uri("/_/healthz")).status();
        boolean alive = p.isAlive();
        boolean oom = logMentions(p, "OutOfMemoryError");
        System.out.printf("BENCH memory, %s, -Xmx256m: %s %.1f s (%,.0f rows/s); peak RSS (VmHWM) %d MiB;"
                        + " peak heap used %d MiB of %d MiB committed (%d samples); idle before the load: RSS %d MiB,"
                        + " heap used %d MiB; alive=%s healthz=%d OutOfMemoryError=%s%n", what, verb, seconds,
                rows / seconds, peaks.hwmMb(), peaks.heapUsedMb(), peaks.heapCommittedMb(), peaks.samples(),
                idle.rssMb(), idle.heapUsedMb(), alive, health, oom);
        assertThat(alive).as("cdc-sink alive at the end").isTrue();
        assertThat(health).as("cdc-sink healthy at the end").isEqualTo(200);
        assertThat(oom).as("OutOfMemoryError in the log").isFalse();
        assertThat(peaks.samples()).as("heap samples taken").isPositive();
    }

    private static boolean logMentions(CdcSinkProcess p, String text) throws IOException {
        return p.logText().contains(text);
    }

    private static String tail(CdcSinkProcess p) {
        try {
            String log = p.logText();
            return log.substring(Math.max(0, log.length() - 4_000));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Row count and a hash of every row's values in id order: equal digests mean equal tables. */
    private static String digest(EmbeddedPg pg, String db) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(id || '/' || name"
                     + " || '/' || amount || '/' || extract(epoch FROM at), ',' ORDER BY id)), '') FROM t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
