package io.cdcsink.it.embedding;

import static io.cdcsink.it.embedding.EmbeddingIT.await;
import static io.cdcsink.it.embedding.EmbeddingIT.count;
import static io.cdcsink.it.embedding.EmbeddingIT.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.core.Replicator;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/cdc-sink-dashboard.json queries only metrics that cdc-sink serves: every metric name in its
 * expressions appears in a real scrape of {@code /_/varz} from a changefeed replicator or a pglogical replicator.
 */
class GrafanaDashboardIT {
    /** A metric selector in PromQL as the dashboard writes it: the name followed by its label matchers. */
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\\w+)");

    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static Path dashboard() {
        Path p = Path.of("..", "docs", "grafana", "cdc-sink-dashboard.json");
        return Files.exists(p) ? p : Path.of("docs", "grafana", "cdc-sink-dashboard.json");
    }

    @Test
    void dashboardIsAGrafanaDashboardOnAPrometheusDatasourceVariable() throws Exception {
        JsonNode d = new ObjectMapper().readTree(dashboard().toFile());
        assertThat(d.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(d.path("uid").asText()).isNotBlank();
        JsonNode ds = d.path("templating").path("list").get(0);
        assertThat(ds.path("type").asText()).isEqualTo("datasource");
        assertThat(ds.path("query").asText()).isEqualTo("prometheus");
        Set<Integer> ids = new TreeSet<>();
        int queries = 0;
        for (JsonNode panel : d.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                    .isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(metrics(target.path("expr").asText())).as(target.path("expr").asText()).isNotEmpty();
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(16);
    }

    @Test
    void everyMetricTheDashboardQueriesIsServed() throws Exception {
        Set<String> queried = queriedMetrics(new ObjectMapper().readTree(dashboard().toFile()));
        Set<String> served = new TreeSet<>();
        served.addAll(webhookScrape());
        served.addAll(pglogicalScrape());
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(served);
        assertThat(missing).as("metrics the dashboard queries that /_/varz does not serve").isEmpty();
    }

    /** A changefeed replicator after a good window and a failing one (a row its table's CHECK refuses). */
    private List<String> webhookScrape() throws Exception {
        String db = pg.freshDatabase("grafana");
        exec(pg, db, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT CHECK (v <> 'boom'))");
        try (Replicator r = WebhookEmbedding.start(pg.connectionString(), "127.0.0.1:0")) {
            String base = "http://127.0.0.1:" + WebhookEmbedding.port(r);
            post(base + "/" + db + "/public", """
                    {"payload":[{"after":{"id":1,"v":"a"},"key":[1],"topic":"t","updated":"10.0"}],"length":1}""");
            post(base + "/" + db + "/public", "{\"resolved\":\"20.0\"}");
            await(() -> count(pg, db, "t") == 1);
            post(base + "/" + db + "/public", """
                    {"payload":[{"after":{"id":2,"v":"boom"},"key":[2],"topic":"t","updated":"30.0"}],"length":1}""");
            post(base + "/" + db + "/public", "{\"resolved\":\"40.0\"}");
            // The resolver retries the failing window until the replicator closes; its first failure is enough.
            await(() -> get(base + "/_/varz").contains("resolve_errors_total{"));
            return names(get(base + "/_/varz"));
        } finally {
            // The refused window stays pending in this database's _cdc_sink: a later `start` on the shared server
            // (ReleaseArchiveIT) would find it and report itself unhealthy.
            exec(pg, "postgres", "DROP DATABASE \"" + db + "\" WITH (FORCE)");
        }
    }

    private List<String> pglogicalScrape() throws Exception {
        String sourceDb = pg.freshDatabase("grafana_src");
        String targetDb = pg.freshDatabase("grafana_dst");
        exec(pg, targetDb, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
        exec(pg, sourceDb, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)", "CREATE PUBLICATION g_pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + sourceDb + "', 'pgoutput')",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 20) g");
        String sourceConn = "postgresql://postgres@localhost:" + pg.port() + "/" + sourceDb + "?sslmode=disable";
        try (Replicator r = PgLogicalEmbedding.start(sourceConn, "g_pub", sourceDb, pg.connectionString(), targetDb,
                "127.0.0.1:0")) {
            await(() -> count(pg, targetDb, "t") == 20);
            return names(get("http://127.0.0.1:" + PgLogicalEmbedding.metricsPort(r) + "/_/varz"));
        } finally {
            exec(pg, sourceDb, "SELECT pg_drop_replication_slot('" + sourceDb + "')");
        }
    }

    static Set<String> queriedMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metrics(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            names.addAll(metrics(variable.path("definition").asText()));
        }
        return names;
    }

    private static List<String> metrics(String expr) {
        List<String> names = new ArrayList<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Names in a text-format scrape: every sample's, and each family's own from its TYPE line. */
    private static List<String> names(String scrape) {
        List<String> names = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            Matcher type = TYPE.matcher(line);
            if (sample.find()) {
                names.add(sample.group(1));
            } else if (type.find()) {
                names.add(type.group(1));
            }
        }
        assertThat(names).as("the scrape has samples").hasSizeGreaterThan(10);
        return names;
    }

    private void post(String uri, String body) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(String uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
