package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * apply_config end to end: the real jar, configuration written with SQL into the target, reloaded by a real
 * {@code SIGHUP}, shown by {@code /_/config/apply}, and applied to changefeed batches. On each {@link TestTarget}, with
 * that target's form of the table and of the statements that configure it (docs/apply-config.md).
 */
class ApplyConfigEndToEndIT {
    private final Http http = new Http();
    private TestTarget target;
    private String db;
    private String schema;

    private void freshDatabase(TestTarget target) throws SQLException {
        this.target = target;
        db = target.freshDatabase("applycfg");
        schema = target.schema(db);
        sql(mysql() ? "CREATE TABLE t (pk INT PRIMARY KEY, ver INT, val TEXT, ts DATETIME(6), overflow JSON)"
                : "CREATE TABLE t (pk INT PRIMARY KEY, ver INT, val TEXT, ts TIMESTAMPTZ, overflow JSONB)");
    }

    private boolean mysql() {
        return target == TestTarget.MARIADB;
    }

    @ParameterizedTest
    @EnumSource(TestTarget.class)
    void configurationReloadedOnSighupShapesStagedBatches(TestTarget to) throws Exception {
        freshDatabase(to);
        String expr = mysql() ? "CONCAT($0, '!')" : "$0 || '!'";
        try (CdcSinkProcess p = start("sighup")) {
            var hook = p.uri("/" + db + "/" + schema);
            Instant future = Instant.now().plus(Duration.ofHours(1));
            Instant past = Instant.now().minus(Duration.ofHours(1));
            // The first mutation creates the staging area, apply_config included.
            assertOk(http.post(hook, batch(row(1, 5, "a", future, ""), "10.0")));
            assertOk(http.post(hook, "{\"resolved\":\"20.0\"}"));
            await(() -> query("SELECT val FROM t WHERE pk = 1").equals(List.of("a")));
            String initial = http.get(p.uri("/_/config/apply")).body().strip();
            if (mysql()) {
                // One apply_config per MySQL server: other databases' tables may be configured.
                assertThat(initial).doesNotContain("\"" + db + ".");
            } else {
                assertThat(initial).isEqualTo("{ }");
            }

            configure("ver", "cas_order", "1");
            configure("ts", "deadline", mysql() ? "'00:10:00'" : "'10 minutes'");
            configure("val", "expr", "'" + expr.replace("'", "''") + "'");
            configure("val", "src_name", "'value'");
            configure("overflow", "extras", "true");
            configure("junk", "ignore", "true");
            p.hangUp();
            await(() -> http.get(p.uri("/_/config/apply")).body().contains("\"CASColumns\" : [ \"ver\" ]"));
            String shown = http.get(p.uri("/_/config/apply")).body();
            assertThat(shown).contains("\"" + db + "." + schema + ".t\"", "\"ts\" : 600000000000",
                    "\"val\" : \"" + expr + "\"",
                    "\"Extras\" : \"overflow\"", "\"junk\" : true", "\"val\" : \"value\"");
            assertThat(p.logText()).contains("reloading configuration due to SIGHUP");

            assertOk(http.post(hook, batch(String.join(",",
                    row(1, 4, "value", "older version", future, ""),                   // CAS: discarded
                    row(2, 1, "value", "too late", past, ""),                          // deadline: discarded
                    row(3, 1, "value", "b", future, ",\"color\":\"red\",\"junk\":1")),   // extras, ignore, rename, expr
                    "30.0")));
            assertOk(http.post(hook, "{\"resolved\":\"40.0\"}"));
            await(() -> !query("SELECT pk FROM t WHERE pk = 3").isEmpty());
            assertThat(query(mysql()
                    ? "SELECT CONCAT(pk, ':', ver, ':', val, ':', coalesce(JSON_COMPACT(overflow), '-')) FROM t ORDER BY pk"
                    : "SELECT pk || ':' || ver || ':' || val || ':' || coalesce(overflow::text, '-') FROM t ORDER BY pk"))
                    .containsExactly("1:5:a:-", "3:1:b!:" + (mysql() ? "{\"color\":\"red\"}" : "{\"color\": \"red\"}"));
            String varz = http.get(p.uri("/_/varz")).body();
            assertThat(varz).contains("apply_cas_discarded_total{database=\"" + db + "\",schema=\"" + schema
                    + "\",table=\"t\"} 1.0").contains("apply_deadline_discarded_total{database=\"" + db + "\",schema=\""
                    + schema + "\",table=\"t\"} 1.0");

            // A broken configuration (gap in cas_order) is reported and the previous one stays in force.
            configure("val", "cas_order", "3");
            p.hangUp();
            await(() -> p.logText().contains("cas_order values must be contiguous"));
            assertThat(http.get(p.uri("/_/config/apply")).body()).contains("\"CASColumns\" : [ \"ver\" ]");

            // Deletes ignore CAS and deadlines.
            assertOk(http.post(hook, "{\"payload\":[{\"after\":null,\"key\":[1],\"topic\":\"t\",\"updated\":\"50.0\"}],"
                    + "\"length\":1}"));
            assertOk(http.post(hook, "{\"resolved\":\"60.0\"}"));
            await(() -> query("SELECT pk FROM t").equals(List.of("3")));
        }
    }

    @ParameterizedTest
    @EnumSource(TestTarget.class)
    void configurationNamingAMissingColumnIsRejectedNamingIt(TestTarget to) throws Exception {
        freshDatabase(to);
        try (CdcSinkProcess p = start("badcolumn", "--immediate")) {
            var hook = p.uri("/" + db + "/" + schema);
            assertOk(http.post(hook, batch(row(1, 1, "a", Instant.now(), ""), "10.0")));
            configure("bad_column", "cas_order", "1");
            p.hangUp();
            await(() -> http.get(p.uri("/_/config/apply")).body().contains("bad_column"));
            Http.Reply r = http.post(hook, batch(row(2, 1, "b", Instant.now(), ""), "20.0"));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("CAS column bad_column not found in table " + db + "." + schema + ".t");
            assertThat(query("SELECT pk FROM t")).containsExactly("1");
        }
    }

    private static String row(int pk, int ver, String val, Instant ts, String more) {
        return row(pk, ver, "val", val, ts, more);
    }

    /**
     * A changefeed row; {@code property} names the source property of column val (renamed to value later). Its time
     * has CockroachDB's precision, microseconds (MySQL refuses digits its column would round).
     */
    private static String row(int pk, int ver, String property, String val, Instant ts, String more) {
        return "{\"after\":{\"pk\":" + pk + ",\"ver\":" + ver + ",\"" + property + "\":\"" + val
                + "\",\"ts\":\"" + ts.truncatedTo(ChronoUnit.MICROS) + "\"" + more + "},\"key\":[" + pk + "],\"topic\":\"t\",\"updated\":\"%s\"}";
    }

    private static String batch(String rows, String updated) {
        return "{\"payload\":[" + rows.replace("%s", updated) + "],\"length\":1}";
    }

    private CdcSinkProcess start(String name, String... flags) throws Exception {
        return CdcSinkProcess.start(target.conn(db), name, flags);
    }

    /**
     * The documented PostgreSQL form of the spec's {@code UPSERT INTO _cdc_sink.apply_config} examples, or on MySQL
     * docs/apply-config.md's {@code ON DUPLICATE KEY UPDATE} form.
     */
    private void configure(String column, String setting, String value) throws SQLException {
        String into = "INSERT INTO _cdc_sink.apply_config (target_db, target_schema, target_table, target_column, ";
        String row = ") VALUES ('" + db + "', '" + schema + "', 't', '" + column + "', " + value + ")";
        sql(mysql() ? into + "`" + setting + "`" + row + " ON DUPLICATE KEY UPDATE `" + setting + "` = VALUES(`"
                + setting + "`)" : into + setting + row + " ON CONFLICT (target_db, target_schema, target_table,"
                + " target_column) DO UPDATE SET " + setting + " = excluded." + setting);
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30s");
            }
            Thread.sleep(100);
        }
    }

    private static void assertOk(Http.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection c = target.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private void sql(String sql) throws SQLException {
        target.exec(db, sql);
    }
}
