package io.cdcsink.it.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples of docs/embedding.md run in-process against real embedded PostgreSQL servers, and MariaDB. */
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

    /**
     * The same embedding, given a {@code mysql://} connection string, writes to MariaDB (docs/mysql-target.md): the
     * builder wires the MySQL dialect's classes from the string alone, and on MySQL a schema is a database, so the
     * path names the database twice.
     */
    @Test
    void webhookReplicatorAppliesAChangefeedToAMySqlTarget() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String mdb = maria.newDatabase("embed");
        maria.execute(mdb, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), n DECIMAL(12, 4))");
        String conn = "mysql://root@127.0.0.1:" + maria.port() + "/" + mdb + "?sslmode=disable";
        try (Replicator r = WebhookEmbedding.start(conn, "127.0.0.1:0")) {
            URI hook = URI.create("http://127.0.0.1:" + WebhookEmbedding.port(r) + "/" + mdb + "/" + mdb);
            assertThat(post(hook, """
                    {"payload":[{"after":{"id":1,"v":"a","n":12345678.1234},"key":[1],"topic":"t","updated":"10.0"},
                                {"after":{"id":2,"v":"é\\t","n":-0.0001},"key":[2],"topic":"t","updated":"10.0"},
                                {"after":{"id":3,"v":null,"n":null},"key":[3],"topic":"t","updated":"11.0"},
                                {"after":null,"key":[3],"topic":"t","updated":"12.0"}],"length":4}"""))
                    .isEqualTo(200);
            assertThat(post(hook, "{\"resolved\":\"20.0\"}")).isEqualTo(200);
            await(() -> rows(maria, mdb).size() == 2);
            assertThat(rows(maria, mdb)).containsExactly("1|a|12345678.1234", "2|é\t|-0.0001");
        }
    }

    /** Every row of MariaDB's {@code t}, in key order, as {@code id|v|n}. */
    private static List<String> rows(EmbeddedMariaDb maria, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = maria.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v, n FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void logBasedSourceOfItsOwnFollowsAJournalAndResumesWhereTheTargetSaysItStopped(boolean immediate)
            throws Exception {
        exec(pg, db, "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, price NUMERIC(10, 2))");
        Path journal = dir.resolve("changes.journal");
        StringBuilder text = new StringBuilder("TABLE\titems\t*id\tname\tprice\n");
        for (int t = 0; t < 100; t++) {
            text.append("BEGIN\n");
            for (int i = 1; i <= 10; i++) {
                int id = t * 10 + i;
                text.append("UPSERT\titems\t").append(id).append("\titem ").append(id).append('\t')
                        .append(id % 7 == 0 ? "\\N" : id + ".25").append('\n');
            }
            text.append("COMMIT\t2026-12-07T10:00:00Z\n");
        }
        Files.writeString(journal, text);
        try (Replicator r = JournalEmbedding.start(pg.connectionString(), journal, db, immediate)) {
            assertThat(r.sources()).hasSize(1);
            assertThat(r.sources().get(0).getClass().getPackageName()).as("the loop runs the journal")
                    .isEqualTo(Replicator.class.getPackageName() + ".logical");
            await(() -> count(pg, db, "items") == 1000);
            Files.writeString(journal, "BEGIN\nDELETE\titems\t5\nUPSERT\titems\t6\tsix\t6.00\n"
                    + "COMMIT\t2026-12-07T10:00:01Z\n", StandardOpenOption.APPEND);
            await(() -> count(pg, db, "items") == 999);
            assertThat(query(pg, db, "SELECT name || ' ' || price FROM items WHERE id = 6")).isEqualTo("six 6.00");
            assertThat(query(pg, db, "SELECT count(*) FROM items WHERE price IS NULL")).isEqualTo("142");
            long end = Files.size(journal);
            await(() -> Files.exists(dir.resolve("changes.journal.acked"))
                    && Files.readString(dir.resolve("changes.journal.acked")).strip().equals(Long.toString(end)));
        }
        // Written while nothing ran: the next start resumes after the stored offset and applies only this.
        Files.writeString(journal, "BEGIN\nUPSERT\titems\t5\tfive again\t5.00\nCOMMIT\t2026-12-07T10:00:02Z\n",
                StandardOpenOption.APPEND);
        exec(pg, db, "UPDATE items SET name = 'changed in the target' WHERE id = 1");
        try (Replicator r = JournalEmbedding.start(pg.connectionString(), journal, db, immediate)) {
            await(() -> count(pg, db, "items") == 1000);
            assertThat(query(pg, db, "SELECT name FROM items WHERE id = 5")).isEqualTo("five again");
            assertThat(query(pg, db, "SELECT name FROM items WHERE id = 1")).as("not replayed")
                    .isEqualTo("changed in the target");
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
