package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on the changefeed endpoint, against the real server, staging and apply on an embedded PostgreSQL:
 * a seeded generator ({@code -Dfuzz.seed}, {@code -Dfuzz.count}) sends malformed, truncated, oversized, wrongly
 * typed and deeply nested payloads, bad paths, bad methods and SQL injection in identifiers and values, while a
 * well-behaved changefeed sends batches and resolved timestamps to another database the whole time. Every fuzz
 * request must get a 4xx (a 2xx only where the input is valid), none a 5xx or no answer, none may take longer than
 * the timeout; nothing from a refused request may be staged or applied, and the valid stream must arrive exactly.
 */
class WebhookFuzzIT {
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long GOOD_BASE = 1_600_000_000_000_000_000L;

    private final EmbeddedPg pg = EmbeddedPg.shared();

    @Test
    void hostileRequestsGet4xxAndChangeNothingWhileValidTrafficFlows() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("fuzz.count", 2000);
        System.out.println("FUZZ seed=" + seed + " count=" + count + " (rerun with -Dfuzz.seed=" + seed + ")");
        String fuzzDb = pg.freshDatabase("fuzz");
        String goodDb = pg.freshDatabase("good");
        exec(fuzzDb, "CREATE TABLE public.t (pk BIGINT PRIMARY KEY, v TEXT, n NUMERIC)", "CREATE SCHEMA inj",
                "CREATE TABLE inj.t (pk BIGINT PRIMARY KEY, v TEXT)");
        exec(goodDb, "CREATE TABLE public.rows (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
        Set<String> databasesBefore = databases();
        Set<String> tablesBefore = tables(fuzzDb);

        WebhookConfig config = WebhookConfig.of("127.0.0.1:0").withMaxBodyBytes(MAX_BODY_BYTES);
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()))
                .disableAuthentication().source(WebhookSourceProvider.NAME, config.toOptions()).start()) {
            int port = r.source(WebhookServer.class).port();
            ValidSender good = new ValidSender(port, goodDb);
            Thread goodThread = new Thread(good, "valid-sender");
            goodThread.start();

            WebhookFuzzer fuzzer = new WebhookFuzzer(seed, fuzzDb, MAX_BODY_BYTES);
            RawHttp raw = new RawHttp(port, TIMEOUT);
            Map<String, Map<String, Integer>> figures = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            long slowest = 0;
            long start = System.nanoTime();
            for (int id = 0; id < count; id++) {
                FuzzInput in = fuzzer.next(id);
                RawHttp.Answer a = raw.send(in);
                slowest = Math.max(slowest, a.nanos());
                int s = a.status();
                boolean ok = s >= 200 && s < 300;
                boolean client = s >= 400 && s < 500;
                String outcome = ok ? "2xx-valid" : client ? String.valueOf(s) : s == RawHttp.TIMEOUT ? "timeout"
                        : s == RawHttp.NO_RESPONSE ? "no-response" : String.valueOf(s);
                figures.computeIfAbsent(in.category(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
                if (ok) {
                    accepted.add(id);
                }
                boolean right = switch (in.expect()) {
                    case REJECT -> client;
                    case ACCEPT -> ok;
                    // A flipped byte may name a column or a table the target lacks: the target's lag, so 503.
                    case EITHER -> ok || client || s == 503 && (a.body().contains("that the target lacks")
                            || a.body().contains("does not exist on the target"));
                    case UNAVAILABLE -> s == 503;
                    case REFUSED -> client || s == 503;
                };
                if (!right && failures.size() < 50) {
                    failures.add("#" + id + " " + in.category() + " expected " + in.expect() + " got " + outcome
                            + ": " + in.method() + " " + abbreviate(in.path()) + " body="
                            + abbreviate(new String(in.body(), java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
            double fuzzSeconds = (System.nanoTime() - start) / 1e9;
            good.stop.set(true);
            goodThread.join(TIMEOUT.toMillis());

            // Figures for docs/reliability.md.
            Map<String, Integer> totals = new TreeMap<>();
            figures.forEach((cat, m) -> m.forEach((k, v) -> totals.merge(k, v, Integer::sum)));
            System.out.printf("FUZZ %d inputs in %.1f s, slowest %.0f ms, valid stream %d rows in %d batches "
                    + "(%d requests)%n", count, fuzzSeconds, slowest / 1e6, good.rows.get(), good.batches.get(),
                    good.requests.get());
            figures.forEach((cat, m) -> System.out.printf("FUZZ %-15s %s%n", cat, m));
            good.errors.forEach(e -> System.out.println("FUZZ valid stream error: " + e));
            System.out.printf("FUZZ %-15s %s%n", "total", totals);

            assertThat(failures).as("requests answered wrongly").isEmpty();
            assertThat(slowest).as("slowest request").isLessThan(TIMEOUT.toNanos());
            assertThat(good.errors).as("valid stream errors").isEmpty();

            // The valid stream arrived exactly.
            int expectedGood = good.rows.get();
            assertThat(expectedGood).isPositive();
            Map<Long, String> goodRows = awaitRows(goodDb, "public.rows", "id", expectedGood);
            assertThat(goodRows).hasSize(expectedGood);
            for (long id = 0; id < expectedGood; id++) {
                assertThat(goodRows.get(id)).as("valid row %d", id).isEqualTo(ValidSender.value(id));
            }

            // Injection strings as text values are data: stored verbatim once their window is resolved.
            post(port, "/" + fuzzDb + "/inj", "{\"resolved\":\"" + (1_800_000_000_000_000_000L) + ".0\"}");
            Map<Long, String> inj = awaitRows(fuzzDb, "inj.t", "pk", fuzzer.verbatim().size());
            assertThat(inj).containsExactlyInAnyOrderEntriesOf(fuzzer.verbatim());
            System.out.printf("FUZZ rows compared: %d valid-stream rows, %d injection values stored verbatim%n",
                    expectedGood, inj.size());
        }

        // No database, schema or table was created from an identifier in the fuzz, and no row of a refused
        // request was staged or applied: every marker found anywhere in the fuzz database belongs to an accepted one.
        assertThat(databases()).isEqualTo(databasesBefore);
        Set<String> created = new HashSet<>(tables(fuzzDb));
        created.removeAll(tablesBefore);
        assertThat(created).as("tables created during the fuzz").allSatisfy(t ->
                assertThat(t).matches("_cdc_sink\\.(staged_tables|pending_timestamps|timestamps|apply_config|"
                        + "jwt_public_keys|stage2_public_t|stage2_inj_t|[a-z_]+)"));
        assertThat(created).noneMatch(t -> t.contains("DROP") || t.contains(";") || t.contains("'")
                || t.contains("no_such"));
        assertThat(tables(fuzzDb)).contains("public.t", "inj.t");
        int markersSeen = 0;
        for (String table : tables(fuzzDb)) {
            for (String row : rowsAsText(fuzzDb, table)) {
                for (int id : WebhookFuzzer.markers(row)) {
                    markersSeen++;
                    assertThat(accepted.contains(id)).as("row in %s from request #%d: %s", table, id, row).isTrue();
                }
            }
        }
        System.out.printf("FUZZ %d marked rows found in staging and target, all from accepted requests%n",
                markersSeen);
    }

    /** Ids of the fuzz requests that got a 2xx. */
    private final Set<Integer> accepted = new HashSet<>();

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
    }

    private void exec(String db, String... sql) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private Set<String> databases() throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = pg.dataSource("postgres").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Set<String> tables(String db) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
                     + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname NOT IN "
                     + "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        return out;
    }

    private List<String> rowsAsText(String db, String table) throws SQLException {
        String[] parts = table.split("\\.", 2);
        List<String> out = new ArrayList<>();
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT x::text FROM \"" + parts[0] + "\".\"" + parts[1] + "\" x")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Map<Long, String> awaitRows(String db, String table, String key, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<Long, String> rows = new HashMap<>();
        while (System.nanoTime() < deadline) {
            rows.clear();
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + key + ", v FROM " + table)) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getString(2));
                }
            }
            if (rows.size() >= expected) {
                return rows;
            }
            Thread.sleep(100);
        }
        return rows;
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static int post(int port, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** A well-behaved changefeed: batches of rows, each followed by a resolved timestamp, until told to stop. */
    private static final class ValidSender implements Runnable {
        static final int BATCH = 20;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger rows = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        private final int port;
        private final String db;

        ValidSender(int port, String db) {
            this.port = port;
            this.db = db;
        }

        static String value(long id) {
            return "good-" + id + "-'\"\\;";
        }

        @Override
        public void run() {
            for (int b = 0; !stop.get(); b++) {
                StringBuilder sb = new StringBuilder("{\"payload\":[");
                for (int i = 0; i < BATCH; i++) {
                    long id = (long) b * BATCH + i;
                    sb.append(i == 0 ? "" : ",").append("{\"after\":{\"id\":").append(id).append(",\"v\":\"")
                            .append(value(id).replace("\\", "\\\\").replace("\"", "\\\"")).append("\"},\"key\":[")
                            .append(id).append("],\"topic\":\"rows\",\"updated\":\"").append(GOOD_BASE + b * 1000L + i)
                            .append(".0\"}");
                }
                sb.append("],\"length\":").append(BATCH).append('}');
                try {
                    int s1 = post(port, "/" + db + "/public", sb.toString());
                    int s2 = post(port, "/" + db + "/public", "{\"resolved\":\"" + (GOOD_BASE + b * 1000L + 999)
                            + ".0\"}");
                    requests.addAndGet(2);
                    if (s1 != 200 || s2 != 200) {
                        errors.add("batch " + b + ": " + s1 + " / " + s2);
                        return;
                    }
                    rows.addAndGet(BATCH);
                    batches.incrementAndGet();
                } catch (Exception e) {
                    errors.add("batch " + b + ": " + e);
                    return;
                }
            }
        }
    }
}
