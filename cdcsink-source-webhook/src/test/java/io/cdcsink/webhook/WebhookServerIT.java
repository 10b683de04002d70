package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Authenticator;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.api.UnauthorizedException;
import io.cdcsink.testing.UnconnectedTargetPools;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server through real HTTP on a free port, with in-memory doubles for the pipeline and the target. */
class WebhookServerIT {
    private static final String NDJSON =
            "/db/public/2020-04-02/202004022058072107140000000000000-56087568dba1e6b8-1-72-00000000-my-table-1.ndjson";
    private static final String RESOLVED = "/db/public/2020-11-22/202011221122335555555550000000001.RESOLVED";
    private static final SchemaName SCHEMA = new SchemaName("db", "public");

    private final RecordingPipeline pipeline = new RecordingPipeline();
    private final UnconnectedTargetPools pools = new UnconnectedTargetPools(true);
    private final List<Optional<String>> tokensSeen = new CopyOnWriteArrayList<>();
    private final List<SchemaName> schemasSeen = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private WebhookServer server;

    private final Authenticator allowAll = (schema, token) -> {
        schemasSeen.add(schema);
        tokensSeen.add(token);
        return true;
    };
    private final Authenticator denyAll = (schema, token) -> {
        schemasSeen.add(schema);
        tokensSeen.add(token);
        return false;
    };

    private void start(Authenticator auth, long maxBodyBytes) throws Exception {
        WebhookConfig config = WebhookConfig.of("127.0.0.1:0").withMaxBodyBytes(maxBodyBytes);
        server = TestServers.started(config, pipeline, auth, pools);
    }

    private void start(Authenticator auth) throws Exception {
        start(auth, WebhookConfig.DEFAULT_MAX_BODY_BYTES);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    @Test
    void deniedCallerGets401BeforeAnyPipelineCall() throws Exception {
        start(denyAll);
        String webhook = "{\"payload\":[{\"after\":{\"pk\":1},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}";
        for (var r : List.of(post("/db/public", webhook), post("/db/public/", "{\"resolved\":\"2.0\"}"),
                send("PUT", NDJSON, "{\"key\":[1],\"updated\":\"1.0\"}\n"), send("PUT", RESOLVED, ""),
                post("/some/schema", "not even json"))) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("missing or invalid access token\n");
        }
        assertThat(pipeline.calls()).isZero();
        assertThat(schemasSeen).containsExactly(SCHEMA, SCHEMA, SCHEMA, SCHEMA, new SchemaName("some", "schema"));
    }

    @Test
    void unknownPathsAre404BeforeAuthentication() throws Exception {
        start(denyAll);
        for (String path : List.of("/", "/db", "/a/b/c", "/db/public/2020-04-02/x.ndjson", "/_/", "/_/nope")) {
            var r = post(path, "");
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).isEqualTo("404 page not found\n");
        }
        assertThat(schemasSeen).isEmpty();
    }

    @Test
    void changefeedPathsTakeOnlyPostAndPut() throws Exception {
        start(allowAll);
        String body = "{\"payload\":[{\"after\":{\"pk\":1},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}";
        for (String method : List.of("GET", "DELETE", "PATCH", "FOO")) {
            var r = send(method, "/db/public", body);
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("POST, PUT");
            // The body was not read: the connection is closed, and the client is told so it does not reuse it.
            assertThat(r.headers().firstValue("Connection")).hasValue("close");
        }
        assertThat(send("GET", RESOLVED, "").statusCode()).isEqualTo(405);
        assertThat(pipeline.calls()).isZero();
    }

    @Test
    void emptyBodiesSucceedAfterOnlyATargetCheck() throws Exception {
        start(allowAll);
        for (var r : List.of(post("/db/public", ""), send("PUT", NDJSON, ""), send("PUT", NDJSON, "\n\n"))) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("OK\n");
        }
        assertThat(pipeline.calls()).isZero();
        assertThat(pipeline.targetChecks).containsExactly(SCHEMA, SCHEMA, SCHEMA);
        pipeline.failure.set(new BadInputException("unknown target database \"db\""));
        var missing = post("/db/public", "");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("unknown target database");
    }

    @Test
    void webhookMutationsReachThePipelineInOneCall() throws Exception {
        start(allowAll);
        var r = send("POST", "/db/public", """
                {"payload":[{"after":{"pk":42,"v":1.000000000000000000001},"key":[42],"topic":"t","updated":"10.0",
                  "before":null,"mvcc_timestamp":"10.0"},
                  {"key":[7],"topic":"db.public.u","updated":"11.0"}],"length":2}""",
                "Authorization", "Bearer secret-token");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(pipeline.accepted).containsExactly(Map.of(
                SCHEMA.table("t"), List.of(Mutation.upsert(new Hlc(10, 0), "[42]",
                        "{\"pk\":42,\"v\":1.000000000000000000001}")),
                SCHEMA.table("u"), List.of(Mutation.delete(new Hlc(11, 0), "[7]"))));
        assertThat(pipeline.accepted.get(0).keySet()).containsExactly(SCHEMA.table("t"), SCHEMA.table("u"));
        assertThat(tokensSeen).containsExactly(Optional.of("secret-token"));
    }

    @Test
    void ndjsonFileAndResolvedMessagesReachThePipeline() throws Exception {
        start(allowAll);
        var nd = send("PUT", NDJSON + "?access_token=from-query",
                "{\"after\":{\"pk\":1},\"key\":[1],\"updated\":\"1.0\"}\n\n{\"key\":[2],\"updated\":\"2.0\"}\n");
        assertThat(nd.statusCode()).isEqualTo(200);
        TableName table = SCHEMA.table("my-table");
        assertThat(pipeline.accepted).containsExactly(Map.of(table, List.of(
                Mutation.upsert(new Hlc(1, 0), "[1]", "{\"pk\":1}"), Mutation.delete(new Hlc(2, 0), "[2]"))));
        assertThat(tokensSeen).containsExactly(Optional.of("from-query"));

        assertThat(send("PUT", RESOLVED, "").statusCode()).isEqualTo(200);
        assertThat(post("/db/public", "{\"resolved\":\"20.0000000002\"}").statusCode()).isEqualTo(200);
        assertThat(pipeline.resolved).containsExactly(
                new RecordingPipeline.Resolved(SCHEMA, new Hlc(1606044153555555555L, 1)),
                new RecordingPipeline.Resolved(SCHEMA, new Hlc(20, 2)));
    }

    @Test
    void immediateTrueInTheUrlAppliesWithoutStagingAndIgnoresResolvedTimestamps() throws Exception {
        start(allowAll);
        String body = "{\"payload\":[{\"after\":{\"pk\":1},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}";
        assertThat(post("/db/public?immediate=true&access_token=x", body).statusCode()).isEqualTo(200);
        assertThat(send("PUT", NDJSON + "?immediate=true", "{\"key\":[2],\"updated\":\"2.0\"}\n").statusCode())
                .isEqualTo(200);
        assertThat(post("/db/public?immediate=true", "{\"resolved\":\"3.0\"}").statusCode()).isEqualTo(200);
        assertThat(send("PUT", RESOLVED + "?immediate=true", "").statusCode()).isEqualTo(200);
        assertThat(pipeline.immediately).containsExactly(
                Map.of(SCHEMA.table("t"), List.of(Mutation.upsert(new Hlc(1, 0), "[1]", "{\"pk\":1}"))),
                Map.of(SCHEMA.table("my-table"), List.of(Mutation.delete(new Hlc(2, 0), "[2]"))));
        assertThat(pipeline.accepted).isEmpty();
        assertThat(pipeline.resolved).isEmpty();
        // Without it (or with another value) the mode decides.
        assertThat(post("/db/public?immediate=false", body).statusCode()).isEqualTo(200);
        assertThat(pipeline.accepted).hasSize(1);
    }

    @Test
    void gzipFilesAndBodiesAreDecompressedWithinTheLimit() throws Exception {
        start(allowAll, 1024);
        String lines = "{\"after\":{\"pk\":1},\"key\":[1],\"updated\":\"1.0\"}\n{\"key\":[2],\"updated\":\"2.0\"}\n";
        var file = sendBytes("PUT", NDJSON + ".gz", gzip(lines));
        assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
        var webhook = sendBytes("POST", "/db/public", gzip("{\"payload\":[{\"after\":{\"pk\":3},\"key\":[3],"
                + "\"topic\":\"my-table\",\"updated\":\"3.0\"}]}"), "Content-Encoding", "gzip");
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(200);
        TableName table = SCHEMA.table("my-table");
        assertThat(pipeline.accepted).containsExactly(Map.of(table, List.of(
                        Mutation.upsert(new Hlc(1, 0), "[1]", "{\"pk\":1}"), Mutation.delete(new Hlc(2, 0), "[2]"))),
                Map.of(table, List.of(Mutation.upsert(new Hlc(3, 0), "[3]", "{\"pk\":3}"))));

        // Small when compressed, beyond --maxBodyBytes when not: refused like any large body.
        var bomb = sendBytes("PUT", NDJSON + ".gz", gzip("{\"key\":[1],\"updated\":\"1.0\"}" + " ".repeat(5000)));
        assertThat(bomb.statusCode()).isEqualTo(413);
        var notGzip = send("PUT", NDJSON + ".gz", lines);
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(notGzip.body()).startsWith("could not read request body: the body is not gzip data");
        assertThat(pipeline.accepted).hasSize(2);
    }

    private HttpResponse<String> sendBytes(String method, String path, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void malformedInputIs400NamingTheField() throws Exception {
        start(allowAll);
        var r = post("/db/public", "{\"payload\":[{\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"},{\"topic\":\"t\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("payload[1]: missing field \"key\"\n");
        var nd = send("PUT", NDJSON, "{\"key\":[1]}\n");
        assertThat(nd.statusCode()).isEqualTo(400);
        assertThat(nd.body()).contains("CREATE CHANGEFEED must specify the 'WITH updated' option");
        var res = send("PUT", "/db/public/2020-11-22/202011221122335555555556666666666.RESOLVED", "");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("out of range");
        assertThat(pipeline.calls()).isZero();
    }

    @Test
    void pipelineExceptionsMapToStatusCodes() throws Exception {
        start(allowAll);
        String body = "{\"payload\":[{\"after\":{\"pk\":1},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}";
        pipeline.failure.set(new BadInputException("unknown column \"zz\" in db.public.t"));
        assertThat(post("/db/public", body)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("unknown column \"zz\" in db.public.t\n");
        });
        pipeline.failure.set(new UnauthorizedException("no writes to db.public.t"));
        assertThat(post("/db/public", body).statusCode()).isEqualTo(401);
        pipeline.failure.set(new TargetUnavailableException("target is down", new SQLException("boom")));
        assertThat(post("/db/public", body)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("target is down\n");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        });
        pipeline.failure.set(new IllegalStateException("bug"));
        assertThat(send("PUT", RESOLVED, "")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("internal server error\n");
        });
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        start(allowAll, 1024);
        String big = "{\"payload\":[{\"after\":{\"v\":\"" + "x".repeat(3000) + "\"},\"key\":[1],\"topic\":\"t\","
                + "\"updated\":\"1.0\"}]}";
        var declared = post("/db/public", big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).isEqualTo("request body exceeds the limit of 1024 bytes\n");

        // Without Content-Length (chunked), the limit is enforced while reading.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + NDJSON))
                .method("PUT", HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build();
        var streamed = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(pipeline.calls()).isZero();

        // A body at the limit is fine.
        String small = "{\"key\":[1],\"updated\":\"1.0\"}";
        assertThat(send("PUT", NDJSON, small + " ".repeat(1024 - small.length())).statusCode()).isEqualTo(200);
    }

    @Test
    void statusRoutesAreReadableWithoutATokenButOnlyWithGet() throws Exception {
        start(denyAll);
        var status = send("GET", "/_/status", "");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"rowsApplied\" : 0", "\"tables\" : [ ]");
        for (String page : List.of("/_/", "/_/index.html")) {
            var r = send("GET", page, "");
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(page).startsWith("text/html");
        }
        assertThat(post("/_/status", "").statusCode()).isEqualTo(404);
        assertThat(schemasSeen).isEmpty();
    }

    @Test
    void healthzFollowsTheTargetPing() throws Exception {
        start(denyAll);
        var ok = send("GET", "/_/healthz", "");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("OK\n");
        pools.healthy.set(false);
        var bad = send("GET", "/_/healthz", "");
        assertThat(bad.statusCode()).isEqualTo(503);
        assertThat(bad.body()).isEqualTo("health check failed\n");
    }

    @Test
    void varzExposesRequestMetrics() throws Exception {
        start(allowAll);
        post("/db/public", "");
        post("/", "");
        var r = send("GET", "/_/varz", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).contains("text/plain"));
        assertThat(r.body()).contains("http_requests_total{code=\"200\"} 1")
                .contains("http_requests_total{code=\"404\"} 1")
                .contains("http_request_duration_seconds_bucket")
                .contains("http_request_bytes_total");
    }

    @Test
    void closeReleasesThePort() throws Exception {
        start(allowAll);
        int port = server.port();
        server.close();
        server = null;
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_/healthz")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(r, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }
}
