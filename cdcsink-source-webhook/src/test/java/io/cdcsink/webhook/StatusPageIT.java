package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /_/status}, the status page and {@code /_/healthz} of a real replicator: changefeed requests over HTTP into
 * an embedded PostgreSQL, the numbers read back from {@code /_/status}, and the page rendered by headless Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private String db;
    private Replicator replicator;
    private int port;
    private String lastResolved;

    @BeforeAll
    void startAndReplicate() throws Exception {
        db = pg.freshDatabase("status");
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.usertable (k TEXT PRIMARY KEY, v TEXT)");
        }
        replicator = Replicator.builder().target(TargetConfig.of(pg.connectionString())).disableAuthentication()
                .source(WebhookSourceProvider.NAME, Map.of("bindAddr", "127.0.0.1:0"))
                .source(new TroubledSource(), Map.of())
                .start();
        port = replicator.source(WebhookServer.class).port();

        // Two resolved windows: three inserts, then a delete and one more insert. Timestamps are recent, so the
        // lag is small.
        long now = System.currentTimeMillis() * 1_000_000L;
        post("/" + db + "/public", payload(now, "{\"after\":{\"k\":\"k1\",\"v\":\"a\"},\"key\":[\"k1\"]}",
                "{\"after\":{\"k\":\"k2\",\"v\":\"b\"},\"key\":[\"k2\"]}",
                "{\"after\":{\"k\":\"k3\",\"v\":\"c\"},\"key\":[\"k3\"]}"), 200);
        post("/" + db + "/public", "{\"resolved\":\"" + (now + 1) + ".0000000000\"}", 200);
        post("/" + db + "/public", payload(now + 2, "{\"after\":null,\"key\":[\"k3\"]}",
                "{\"after\":{\"k\":\"k4\",\"v\":\"d\"},\"key\":[\"k4\"]}"), 200);
        lastResolved = (now + 3) + ".0000000000";
        post("/" + db + "/public", "{\"resolved\":\"" + lastResolved + "\"}", 200);
        awaitStatus("both windows applied", s -> s.get("rowsApplied").asLong() == 5
                && lastResolved.equals(s.get("schemas").get(0).get("resolved").asText()));
    }

    @AfterAll
    void stop() {
        if (replicator != null) {
            replicator.close();
        }
    }

    private static String payload(long nanos, String... elements) {
        List<String> withTopic = new ArrayList<>();
        for (String e : elements) {
            withTopic.add(e.substring(0, e.length() - 1) + ",\"topic\":\"usertable\",\"updated\":\"" + nanos
                    + ".0000000000\"}");
        }
        return "{\"payload\":[" + String.join(",", withTopic) + "],\"length\":" + elements.length + "}";
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path, String body, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + body + " -> " + r.body()).isEqualTo(expected);
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> r = get("/_/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private JsonNode awaitStatus(String what, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode s = status();
            if (done.test(s)) {
                return s;
            }
            assertThat(System.nanoTime()).as(what + "; last status " + s).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void statusShowsRowsResolvedTimestampLagAndErrorsWithoutAToken() throws Exception {
        JsonNode s = status();
        JsonNode schema = s.get("schemas").get(0);
        assertThat(schema.get("schema").asText()).isEqualTo(db + ".public");
        assertThat(schema.get("mode").asText()).isEqualTo("consistent");
        assertThat(schema.get("resolved").asText()).isEqualTo(lastResolved);
        assertThat(schema.get("lagSeconds").asDouble()).isBetween(0.0, 60.0);
        assertThat(schema.get("rowsApplied").asLong()).isEqualTo(5);

        JsonNode table = s.get("tables").get(0);
        assertThat(table.get("table").asText()).isEqualTo(db + ".public.usertable");
        assertThat(table.get("mode").asText()).isEqualTo("consistent");
        assertThat(table.get("upserts").asLong()).isEqualTo(4);
        assertThat(table.get("deletes").asLong()).isEqualTo(1);
        assertThat(table.get("lastApplied").isNull()).isFalse();
        assertThat(s.get("lagSeconds").asDouble()).isBetween(0.0, 60.0);
        assertThat(s.toString()).doesNotContain(pg.connectionString());

        // A refused request (a column the target lacks: 503) is counted against its schema, with the reason.
        post("/" + db + "/public", payload(System.currentTimeMillis() * 1_000_000L,
                "{\"after\":{\"k\":\"k9\",\"nope\":1},\"key\":[\"k9\"]}"), 503);
        JsonNode after = awaitStatus("the error is counted", x -> x.get("errors").asLong() >= 1);
        JsonNode failed = after.get("schemas").get(0);
        assertThat(failed.get("errors").asLong()).isEqualTo(1);
        assertThat(failed.get("lastError").get("message").asText()).contains("nope");
        assertThat(after.get("rowsApplied").asLong()).isEqualTo(5);
    }

    @Test
    void healthzConsultsEverySourcesProblem() throws Exception {
        assertThat(get("/_/healthz").statusCode()).isEqualTo(200);
        problem.set("replication loop x failed: boom");
        HttpResponse<String> bad = get("/_/healthz");
        assertThat(bad.statusCode()).isEqualTo(503);
        assertThat(bad.body()).isEqualTo("replication loop x failed: boom\n");
        problem.set(null);
        assertThat(get("/_/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void headlessChromiumRendersTheTablesAndTheLagChart() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless browser test skipped: " + CHROMIUM
                + " is not installed (apt-get install -y chromium chromium-driver)");
        // The chart needs samples: the reporter takes one a second.
        awaitStatus("two lag samples", s -> s.get("lagHistory").size() >= 2);

        String dom = dumpDom("/_/");
        assertThat(dom).contains("<tr class=\"table-row\" data-name=\"" + db + ".public.usertable\">");
        assertThat(dom).contains("<tr class=\"schema-row\" data-name=\"" + db + ".public\">");
        assertThat(dom).containsPattern("<td class=\"num rows\">5</td>");
        assertThat(dom).contains("<td class=\"num upserts\">4</td>", "<td class=\"num deletes\">1</td>");
        assertThat(dom).contains("<span id=\"state\">ok</span>");
        assertThat(dom).contains("<b id=\"rows-applied\">5</b>");
        Matcher chart = Pattern.compile("<svg id=\"lag-chart\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
        assertThat(chart.find()).as("chart element in\n" + dom).isTrue();
        assertThat(Integer.parseInt(chart.group(1))).isGreaterThanOrEqualTo(2);
        Matcher line = Pattern.compile("<polyline id=\"lag-line\" points=\"([^\"]+)\"").matcher(dom);
        assertThat(line.find()).as("lag line in\n" + dom).isTrue();
        assertThat(line.group(1).trim().split(" ")).hasSizeGreaterThanOrEqualTo(2);
    }

    private String dumpDom(String path) throws Exception {
        Path profile = Files.createTempDirectory("cdcsink-chromium");
        try {
            List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
                    "http://127.0.0.1:" + port + path);
            Path out = profile.resolve("dom.html");
            Path err = profile.resolve("stderr.txt");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(45, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 45 s: " + Files.readString(err));
            }
            assertThat(p.exitValue()).as("chromium exit; stderr: " + Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A second source that does nothing but report the problem the test sets. */
    private final class TroubledSource implements SourceProvider, Source {
        @Override
        public String name() {
            return "troubled";
        }

        @Override
        public Source create(SourceContext context) {
            return this;
        }

        @Override
        public void start() {
        }

        @Override
        public Optional<String> problem() {
            return Optional.ofNullable(problem.get());
        }

        @Override
        public void close() {
        }
    }
}
