package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A changefeed whose source table changed before the target did, through the real jar: a row with a property the
 * target lacks, or for a table it lacks, is the target being behind, not bad input. The request is answered 503 with
 * {@code Retry-After} and the DDL to run, nothing of it is staged or applied, and the same request goes through once
 * the target has the column or table. The rows posted are the oracle the target is compared with.
 */
class ChangefeedSchemaChangeIT {
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final Http http = new Http();
    private String db;

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = pg.freshDatabase("evolve");
        sql("CREATE TABLE t (pk INT PRIMARY KEY, v INT)");
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void aRowWithAColumnTheTargetLacksWaitsForTheReportedDdl(boolean immediate) throws Exception {
        try (CdcSinkProcess p = start("column", immediate)) {
            URI hook = p.uri("/" + db + "/public");
            // Rows from before the source's DDL, then rows that carry the new column.
            assertOk(http.post(hook, body(row(1, "\"v\":1", "10.0"))));
            String newer = body(row(2, "\"v\":2", "20.0"), row(3, "\"v\":3,\"c2\":9000000000", "20.0"),
                    row(1, "\"v\":4,\"c2\":5", "20.0"));
            String ddl = "ALTER TABLE \"public\".\"t\" ADD COLUMN \"c2\" INT8";
            String reason = "table " + db + ".public.t: the changefeed's rows have column c2 that the target lacks";
            for (int retry = 0; retry < 3; retry++) {
                Http.Reply behind = http.post(hook, newer);
                assertThat(behind.status()).as("status, body: %s", behind.body()).isEqualTo(503);
                assertThat(behind.retryAfter()).isPresent();
                assertThat(behind.body()).contains(reason).contains(ddl);
            }
            // The operator is told once, on /_/healthz, /_/status and in the metric, whatever the retries.
            assertThat(errorLines(p, reason)).hasSize(1);
            assertThat(errorLines(p, reason).get(0)).contains("table " + db + ".public.t waits: " + reason)
                    .contains("to resume: " + ddl);
            Http.Reply health = http.get(p.uri("/_/healthz"));
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).contains(reason).contains(ddl);
            assertThat(http.get(p.uri("/_/status")).body()).contains("\"kind\" : \"schema_change\"")
                    .contains("ADD COLUMN \\\"c2\\\" INT8");
            assertThat(http.get(p.uri("/_/varz")).body()).contains("replication_blocked{kind=\"schema_change\",scope=\"table "
                    + db + ".public.t\",table=\"" + db + ".public.t\"} 1.0");
            if (!immediate) {
                // Nothing of the refused request, not even its rows that fit (pk 2), was staged.
                String staging = rows("SELECT staging_table FROM _cdc_sink.staged_tables WHERE target_table = 't'")
                        .get(0).get(0);
                assertThat(rows("SELECT sum(mutations) FROM _cdc_sink.\"" + staging + "\""))
                        .containsExactly(List.of("1"));
            }
            assertOk(http.post(hook, "{\"resolved\":\"15.0\"}"));
            awaitApplied(immediate, "15.0");
            // Nor applied.
            assertThat(rows("SELECT pk, v FROM t ORDER BY pk")).containsExactly(List.of("1", "1"));

            sql(ddl);
            assertOk(http.post(hook, newer));
            assertThat(http.get(p.uri("/_/healthz")).body()).isEqualTo("OK\n");
            assertOk(http.post(hook, "{\"resolved\":\"40.0\"}"));
            awaitApplied(immediate, "40.0");
            assertThat(rows("SELECT pk, v, c2 FROM t ORDER BY pk")).containsExactly(List.of("1", "4", "5"),
                    Arrays.asList("2", "2", null), List.of("3", "3", "9000000000"));
        }
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void aRowForATableTheTargetLacksWaitsForTheReportedCreateTable(boolean immediate) throws Exception {
        try (CdcSinkProcess p = start("table", immediate)) {
            URI hook = p.uri("/" + db + "/public");
            String rows = "{\"payload\":[{\"after\":{\"id\":\"a\",\"n\":1.5,\"ok\":true},\"key\":[\"a\"],"
                    + "\"topic\":\"fresh\",\"updated\":\"10.0\"},{\"after\":{\"pk\":1,\"v\":1},\"key\":[1],"
                    + "\"topic\":\"t\",\"updated\":\"10.0\"}],\"length\":2}";
            Http.Reply behind = http.post(hook, rows);
            String ddl = "CREATE TABLE \"public\".\"fresh\" (\"id\" TEXT, \"n\" NUMERIC, \"ok\" BOOL,"
                    + " PRIMARY KEY (\"id\"))";
            assertThat(behind.status()).as("status, body: %s", behind.body()).isEqualTo(503);
            assertThat(behind.retryAfter()).isPresent();
            assertThat(behind.body()).contains("table " + db + ".public.fresh does not exist on the target")
                    .contains(ddl);
            assertThat(http.get(p.uri("/_/healthz")).body()).contains("does not exist on the target").contains(ddl);

            sql(ddl);
            assertOk(http.post(hook, rows));
            assertOk(http.post(hook, "{\"resolved\":\"20.0\"}"));
            awaitApplied(immediate, "20.0");
            assertThat(rows("SELECT id, n, ok FROM fresh")).containsExactly(List.of("a", "1.5", "t"));
            assertThat(rows("SELECT pk, v FROM t")).containsExactly(List.of("1", "1"));
        }
    }

    /** The process's ERROR lines that mention {@code text}. */
    private static List<String> errorLines(CdcSinkProcess p, String text) throws Exception {
        return p.output().lines().filter(l -> l.contains(" ERROR ") && l.contains(text)).toList();
    }

    private static String row(int pk, String values, String updated) {
        return "{\"after\":{\"pk\":" + pk + "," + values + "},\"key\":[" + pk + "],\"topic\":\"t\",\"updated\":\""
                + updated + "\"}";
    }

    private static String body(String... rows) {
        return "{\"payload\":[" + String.join(",", rows) + "],\"length\":" + rows.length + "}";
    }

    private CdcSinkProcess start(String name, boolean immediate) throws Exception {
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
        return immediate ? CdcSinkProcess.start(conn, name, "--immediate") : CdcSinkProcess.start(conn, name);
    }

    private static void assertOk(Http.Reply r) {
        assertThat(r.status()).as("status, body: %s", r.body()).isEqualTo(200);
    }

    /** In consistent mode, waits until the resolver applied {@code resolved}; immediate mode applied on receipt. */
    private void awaitApplied(boolean immediate, String resolved) throws Exception {
        if (immediate) {
            return;
        }
        long nanos = Long.parseLong(resolved.substring(0, resolved.indexOf('.')));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!rows("SELECT 1 FROM _cdc_sink.timestamps WHERE nanos >= " + nanos).isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("resolved timestamp " + resolved + " was not applied within 30 s");
    }

    private List<List<String>> rows(String sql) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection()) {
            return TableDiff.rows(c, sql);
        }
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
