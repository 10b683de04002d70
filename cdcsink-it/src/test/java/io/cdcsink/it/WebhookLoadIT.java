package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.demo.emulator.EmulatorStats;
import io.cdcsink.demo.emulator.RowChange;
import io.cdcsink.demo.emulator.SourceTransaction;
import io.cdcsink.testing.EmbeddedPg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Load, nightly-style: the changefeed emulator posts with 4 concurrent senders from 2 nodes for five minutes (about
 * 2,000 row changes a second over 100,000 keys) to {@code cdc-sink start} in consistent mode, limited to a 256 MB
 * heap. Every request must succeed without a retry, the process's resident memory must stay bounded, and the target
 * must end equal to the source row by row. Not in the default suite: it takes over five minutes.
 */
@EnabledIfSystemProperty(named = "nightly", matches = "true", disabledReason = "a five-minute load test for nightly"
        + " runs: mvn -B -pl cdcsink-it verify -Dit.test=WebhookLoadIT -Dnightly=true [-Dload.minutes=5]")
class WebhookLoadIT {
    private static final int KEYS = 100_000;
    private static final int ROWS_PER_TX = 20;
    /** Ten milliseconds between transactions: about 2,000 row changes a second. */
    private static final long PACE_NANOS = 10_000_000L;
    private static final long RSS_LIMIT_MB = 768;
    private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"} ([0-9.E+]+)");
    private static final Pattern SERVER_ERRORS = Pattern.compile("http_requests_total\\{code=\"5\\d\\d\"} ([0-9.]+)");

    private final EmbeddedPg pg = EmbeddedPg.shared();

    @Test
    void fourSendersForFiveMinutesWithBoundedMemoryAndNoError() throws Exception {
        Duration length = Duration.ofMinutes(Long.getLong("load.minutes", 5));
        String db = pg.freshDatabase("load");
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE load (k INT PRIMARY KEY, v TEXT NOT NULL, n BIGINT NOT NULL)");
        }
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
        EmulatorConfig config = EmulatorConfig.to("/" + db + "/public").withSenders(4).withNodes(2)
                .withBatchSize(100).withResolvedInterval(Duration.ofMillis(250)).withSeed(41);
        Map<Integer, String> expected = new TreeMap<>();
        Http http = new Http();
        long maxRssKb = 0;
        double maxHeap = 0;
        List<String> samples = new ArrayList<>();
        try (CdcSinkProcess p = CdcSinkProcess.start(conn, "load");
             ChangefeedEmulator emulator = new ChangefeedEmulator(p.uri(""), config)) {
            Random random = new Random(41);
            long started = System.nanoTime();
            long next = started;
            long nextSample = started;
            long clock = System.currentTimeMillis() * 1_000_000L;
            long n = 0;
            while (System.nanoTime() - started < length.toNanos()) {
                List<RowChange> changes = new ArrayList<>(ROWS_PER_TX);
                for (int i = 0; i < ROWS_PER_TX; i++) {
                    int k = random.nextInt(KEYS);
                    String v = "v" + Long.toHexString(random.nextLong());
                    String row = "{\"k\":" + k + ",\"v\":\"" + v + "\",\"n\":" + (++n) + "}";
                    changes.add(RowChange.upsert("load", "[" + k + "]", row));
                    expected.put(k, k + "|" + v + "|" + n);
                }
                clock = Math.max(clock + 1_000, System.currentTimeMillis() * 1_000_000L);
                emulator.submit(new SourceTransaction(new Hlc(clock, 0), changes));
                if (System.nanoTime() >= nextSample) {
                    long rss = rssKb(p.pid());
                    double heap = metric(http.get(p.uri("/_/varz")).body(), HEAP);
                    maxRssKb = Math.max(maxRssKb, rss);
                    maxHeap = Math.max(maxHeap, heap);
                    EmulatorStats s = emulator.stats();
                    samples.add(String.format("t=%3ds rss=%dMB heap=%.0fMB messages=%d", (System.nanoTime()
                            - started) / 1_000_000_000L, rss / 1024, heap / 1e6, s.messages()));
                    nextSample += Duration.ofSeconds(15).toNanos();
                }
                next += PACE_NANOS;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
                }
            }
            long sent = System.nanoTime();
            EmulatorStats stats = emulator.finish(Duration.ofMinutes(3));
            double drain = (System.nanoTime() - sent) / 1e9;
            int rows = awaitEqual(db, expected);
            String varz = http.get(p.uri("/_/varz")).body();
            samples.forEach(s -> System.out.println("LOAD " + s));
            System.out.printf("LOAD %s: %d transactions, %d row changes, %d batches, %d retries, %d server errors;"
                            + " drained %.1f s after the last send; %d rows equal; max RSS %d MB, max heap %.0f MB%n",
                    length, stats.transactions(), stats.messages(), stats.batches(), stats.retries(),
                    (long) metric(varz, SERVER_ERRORS), drain, rows, maxRssKb / 1024, maxHeap / 1e6);
            assertThat(emulator.failure()).isEmpty();
            assertThat(stats.retries()).as("requests retried after a 5xx or an I/O error").isZero();
            assertThat(metric(varz, SERVER_ERRORS)).as("5xx responses").isZero();
            assertThat(maxRssKb / 1024).as("resident memory of cdc-sink, MB").isLessThan(RSS_LIMIT_MB);
            assertThat(p.isAlive()).isTrue();
        }
    }

    private int awaitEqual(String db, Map<Integer, String> expected) throws Exception {
        List<String> want = new ArrayList<>(expected.values());
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            List<String> got = new ArrayList<>();
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT k, v, n FROM load ORDER BY k")) {
                while (rs.next()) {
                    got.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getLong(3));
                }
            }
            if (got.equals(want)) {
                return got.size();
            }
            assertThat(System.nanoTime()).as("target equal to the source (%d of %d rows)", got.size(), want.size())
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** Sum of a metric's samples matching the pattern; 0 when there is none. */
    private static double metric(String varz, Pattern pattern) {
        Matcher m = pattern.matcher(varz);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
