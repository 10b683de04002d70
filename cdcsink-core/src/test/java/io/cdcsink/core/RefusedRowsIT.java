package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetBlockedException;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.core.status.StatusSnapshot.BlockedView;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.OnApplyError;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #27, poison rows under the default policy: a row the target refuses (here a CHECK constraint the source does
 * not have) stops what applies it without writing half of it, is named by table and key on /_/healthz, /_/status and
 * in {@code replication_blocked}, and what waits resumes by itself once the target accepts the row.
 */
class RefusedRowsIT {
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final HttpClient http = HttpClient.newHttpClient();
    private String db;
    private TableName t;

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = pg.freshDatabase("refused");
        t = new TableName(db, "public", "t");
        pg.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT CONSTRAINT no_poison CHECK (v <> 'poison'))");
    }

    /** Ten rows at times 1..10; row 7 is the poison when {@code poisoned}. */
    private static List<Mutation> rows(boolean poisoned) {
        List<Mutation> rows = new ArrayList<>();
        for (int id = 1; id <= 10; id++) {
            String v = poisoned && id == 7 ? "poison" : "v" + id;
            rows.add(Mutation.upsert(new Hlc(id, 0), "[" + id + "]", "{\"id\":" + id + ",\"v\":\"" + v + "\"}"));
        }
        return rows;
    }

    @Test
    void aWindowWithARefusedRowWaitsWholeAndAppliesOnceTheTargetAcceptsIt() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()))
                .disableAuthentication().metricsAddress("127.0.0.1:0").start()) {
            r.pipeline().accept(Map.of(t, rows(true)));
            r.pipeline().resolved(new SchemaName(db, "public"), new Hlc(11, 0));
            HttpResponse<String> health = awaitHealth(r, 503, "key [7]");
            assertThat(health.body()).contains("schema " + db + ".public waits")
                    .contains("the target refused the row with key [7] of table " + t).contains("no_poison");
            BlockedView blocked = r.status().blocked().get(0);
            assertThat(blocked.scope()).isEqualTo("schema " + db + ".public");
            assertThat(blocked.blockage().kind()).isEqualTo(Blockage.Kind.REFUSED_ROW);
            assertThat(blocked.blockage().table()).contains(t);
            assertThat(blocked.blockage().key()).contains("[7]");
            assertThat(get(r, "/_/varz")).contains("replication_blocked{kind=\"refused_row\",scope=\"schema " + db
                    + ".public\",table=\"" + t + "\"} 1.0");
            assertThat(values()).as("the window is one transaction: nothing of it yet").isEmpty();

            pg.exec(db, "ALTER TABLE t DROP CONSTRAINT no_poison");
            awaitHealth(r, 200, "OK");
            assertThat(values()).as("every row as staged, the poison too").isEqualTo(expected(true));
            assertThat(r.status().blocked()).isEmpty();
            assertThat(get(r, "/_/varz")).doesNotContain("replication_blocked{");
        }
    }

    @Test
    void immediateModeNamesTheRefusedRowOnTheRetryAnswersRetryableAndAppliesOnceFixed() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()).withImmediate(true))
                .disableAuthentication().metricsAddress("127.0.0.1:0").start()) {
            // The first failure rolls the batch back and says a row was refused; the retry finds which.
            assertThatThrownBy(() -> r.pipeline().accept(Map.of(t, rows(true))))
                    .isInstanceOf(TargetUnavailableException.class).isNotInstanceOf(TargetBlockedException.class)
                    .hasMessageContaining("refused a row of table " + t);
            assertThatThrownBy(() -> r.pipeline().accept(Map.of(t, rows(true))))
                    .isInstanceOf(TargetBlockedException.class)
                    .hasMessageContaining("the target refused the row with key [7] of table " + t);
            assertThat(values()).as("nothing of a refused batch").isEmpty();
            assertThat(awaitHealth(r, 503, "table " + t + " waits").body()).contains("key [7]");

            // Other rows of the table go through (and end the wait, until the poison comes again).
            r.pipeline().accept(Map.of(t, List.of(rows(false).get(0))));
            awaitHealth(r, 200, "OK");
            pg.exec(db, "ALTER TABLE t DROP CONSTRAINT no_poison");
            r.pipeline().accept(Map.of(t, rows(true)));
            assertThat(values()).isEqualTo(expected(true));
            assertThat(r.status().blocked()).isEmpty();
        }
    }

    /**
     * {@code --onApplyError deadletter} in consistent mode: the window applies every row but the refused one, which
     * is set aside in its transaction; a later window's change of the same key follows it into dead_letters while the
     * other keys flow on, and nothing waits.
     */
    @Test
    void deadLetterModeAppliesTheRestOfTheWindowAndKeepsLaterChangesOfTheKeyBehind() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString())
                        .withOnApplyError(OnApplyError.DEADLETTER))
                .disableAuthentication().metricsAddress("127.0.0.1:0").start()) {
            SchemaName schema = new SchemaName(db, "public");
            r.pipeline().accept(Map.of(t, rows(true)));
            r.pipeline().resolved(schema, new Hlc(11, 0));
            awaitLetters(1);
            List<String> withoutPoison = new ArrayList<>(expected(false));
            withoutPoison.remove(6);
            assertThat(values()).as("all but the refused row, in the window's transaction").isEqualTo(withoutPoison);

            r.pipeline().accept(Map.of(t, List.of(
                    Mutation.upsert(new Hlc(12, 0), "[7]", "{\"id\":7,\"v\":\"fine\"}"),
                    Mutation.upsert(new Hlc(12, 0), "[8]", "{\"id\":8,\"v\":\"eight\"}"))));
            r.pipeline().resolved(schema, new Hlc(13, 0));
            awaitLetters(2);
            withoutPoison.set(6, "{\"id\":8,\"v\":\"eight\"}");
            assertThat(values()).as("key 8 flows on; key 7 waits behind its dead letter").isEqualTo(withoutPoison);
            assertThat(string("SELECT string_agg(key || ' ' || coalesce(mutation, 'delete') || ' ' || error,"
                    + " ' | ' ORDER BY nanos) FROM _cdc_sink.dead_letters"))
                    .contains("[7] {\"id\":7,\"v\":\"poison\"} new row for relation \"t\" violates check constraint")
                    .contains("[7] {\"id\":7,\"v\":\"fine\"} an earlier change of this key is in dead_letters");
            assertThat(r.status().blocked()).isEmpty();
            assertThat(get(r, "/_/healthz").trim()).isEqualTo("OK");
            assertThat(r.status().snapshot().tables()).singleElement()
                    .satisfies(v -> assertThat(v.deadLettered()).isEqualTo(2));
        }
    }

    /**
     * A row refused by a foreign key is never a dead letter: its parent may still be on its way (a changefeed orders
     * no rows across tables), so under {@code deadletter} too it waits, and goes through once the parent arrived.
     */
    @Test
    void aMissingParentWaitsEvenInDeadLetterModeAndGoesThroughOnceTheParentArrives() throws Exception {
        pg.exec(db, "CREATE TABLE parent (id INT PRIMARY KEY)",
                "CREATE TABLE child (id INT PRIMARY KEY, p INT NOT NULL REFERENCES parent (id))");
        TableName parent = new TableName(db, "public", "parent");
        TableName child = new TableName(db, "public", "child");
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()).withImmediate(true)
                        .withOnApplyError(OnApplyError.DEADLETTER))
                .disableAuthentication().metricsAddress("127.0.0.1:0").start()) {
            List<Mutation> orphan = List.of(Mutation.upsert(new Hlc(2, 0), "[1]", "{\"id\":1,\"p\":10}"));
            assertThatThrownBy(() -> r.pipeline().accept(Map.of(child, orphan)))
                    .isInstanceOf(TargetUnavailableException.class);
            assertThatThrownBy(() -> r.pipeline().accept(Map.of(child, orphan)))
                    .isInstanceOf(TargetBlockedException.class).hasMessageContaining("SQLSTATE 23503")
                    .hasMessageContaining("add the row it references");
            assertThat(string("SELECT count(*)::text FROM _cdc_sink.dead_letters")).isEqualTo("0");

            r.pipeline().accept(Map.of(parent, List.of(Mutation.upsert(new Hlc(1, 0), "[10]", "{\"id\":10}"))));
            r.pipeline().accept(Map.of(child, orphan));
            assertThat(string("SELECT p::text FROM child WHERE id = 1")).isEqualTo("10");
            assertThat(r.status().blocked()).isEmpty();
        }
    }

    private String string(String query) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void awaitLetters(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (Integer.parseInt(string("SELECT count(*)::text FROM _cdc_sink.dead_letters")) == count) {
                    return;
                }
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) {
                    throw e;
                }
            }
            assertThat(System.nanoTime()).as(count + " dead letters").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static List<String> expected(boolean poisoned) {
        List<String> out = new ArrayList<>();
        for (Mutation m : rows(poisoned)) {
            out.add(m.data().orElseThrow());
        }
        return out;
    }

    /** The target's rows as the JSON the test sent, in key order. */
    private List<String> values() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add("{\"id\":" + rs.getInt(1) + ",\"v\":\"" + rs.getString(2) + "\"}");
            }
        }
        return out;
    }

    private String get(Replicator r, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.metricsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> awaitHealth(Replicator r, int status, String containing) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + r.metricsPort() + "/_/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == status && resp.body().contains(containing)) {
                return resp;
            }
            assertThat(System.nanoTime()).as("healthz " + status + " with " + containing + "; last: "
                    + resp.statusCode() + " " + resp.body()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
