package io.cdcsink.it.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.it.customsource.CsvFileSourceProvider;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples of docs/embedding.md run in-process against real embedded PostgreSQL servers. */
class EmbeddingIT {
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String db;

    @TempDir
    Path dir;

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = pg.freshDatabase("embed");
        exec(pg, db, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
    }

    @Test
    void webhookReplicatorAppliesAChangefeedOnceResolved() throws Exception {
        try (Replicator r = WebhookEmbedding.start(pg.connectionString(), "127.0.0.1:0")) {
            URI hook = URI.create("http://127.0.0.1:" + WebhookEmbedding.port(r) + "/" + db + "/public");
            assertThat(post(hook, """
                    {"payload":[{"after":{"id":1,"v":"a"},"key":[1],"topic":"t","updated":"10.0"},
                                {"after":{"id":2,"v":"b"},"key":[2],"topic":"t","updated":"10.0"}],"length":2}"""))
                    .isEqualTo(200);
            assertThat(count(pg, db, "t")).as("staged until resolved").isZero();
            assertThat(post(hook, "{\"resolved\":\"20.0\"}")).isEqualTo(200);
            await(() -> count(pg, db, "t") == 2);
        }
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void customSourceFoundByServiceLoaderLoadsACsvFile(boolean immediate) throws Exception {
        StringBuilder csv = new StringBuilder("id,v\n");
        for (int i = 1; i <= 1000; i++) {
            csv.append(i).append(",row ").append(i).append('\n');
        }
        csv.append("1001,\"with, comma and \"\"quotes\"\"\"\n");
        Path file = Files.writeString(dir.resolve("rows.csv"), csv);
        try (Replicator r = CustomSourceEmbedding.start(pg.connectionString(), file, db + ".public.t", immediate)) {
            assertThat(r.sources()).hasSize(1);
            assertThat(r.sources().get(0).getClass().getPackageName())
                    .isEqualTo(CsvFileSourceProvider.class.getPackageName());
            await(() -> count(pg, db, "t") == 1001);
            assertThat(query(pg, db, "SELECT v FROM t WHERE id = 1001")).isEqualTo("with, comma and \"quotes\"");
            assertThat(query(pg, db, "SELECT v FROM t WHERE id = 500")).isEqualTo("row 500");
        }
    }

    @Test
    void pglogicalReplicatorBetweenTwoServersWithItsOwnMetrics() throws Exception {
        try (EmbeddedPg source = EmbeddedPg.start()) {
            String sourceDb = source.freshDatabase("src");
            exec(source, sourceDb, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)",
                    "CREATE PUBLICATION embed_pub FOR ALL TABLES",
                    "SELECT pg_create_logical_replication_slot('embed_slot', 'pgoutput')",
                    "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 200) g");
            String sourceConn = "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb
                    + "?sslmode=disable";
            try (Replicator r = PgLogicalEmbedding.start(sourceConn, "embed_pub", "embed_slot",
                    pg.connectionString(), db, "127.0.0.1:0")) {
                await(() -> count(pg, db, "t") == 200);
                exec(source, sourceDb, "BEGIN", "UPDATE t SET v = 'changed' WHERE id <= 10",
                        "DELETE FROM t WHERE id > 150", "COMMIT");
                await(() -> count(pg, db, "t") == 150);
                assertThat(query(pg, db, "SELECT count(*) FROM t WHERE v = 'changed'")).isEqualTo("10");
                String varz = get(URI.create("http://127.0.0.1:" + PgLogicalEmbedding.metricsPort(r) + "/_/varz"));
                assertThat(varz).contains("logical_committed_transactions_total{loop=\"pglogical\"}");
            }
        }
    }

    private int post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static void exec(EmbeddedPg server, String database, String... sql) throws SQLException {
        try (Connection c = server.dataSource(database).getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static String query(EmbeddedPg server, String database, String sql) throws SQLException {
        try (Connection c = server.dataSource(database).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    static long count(EmbeddedPg server, String database, String table) throws SQLException {
        return Long.parseLong(query(server, database, "SELECT count(*) FROM \"" + table + "\""));
    }
}
