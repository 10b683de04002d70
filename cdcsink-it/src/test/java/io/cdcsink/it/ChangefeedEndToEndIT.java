package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The changefeed endpoint end to end: the real executable jar in its own JVM, real HTTP, a real PostgreSQL target.
 * Mirrors the original's HTTP handler scenarios plus redelivery, atomic windows, restarts and two instances.
 */
class ChangefeedEndToEndIT {
    private static final String NDJSON = "/2020-04-02/202004022058072107140000000000000-56087568dba1e6b8-1-72-00000000-";
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final Http http = new Http();
    private String db;

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = pg.freshDatabase("e2e");
        sql("CREATE TABLE t (pk INT PRIMARY KEY, v INT)");
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void ndjsonFilesStageUntilResolvedThenDeleteBothWays(boolean immediate) throws Exception {
        try (CdcSinkProcess p = start("ndjson", immediate)) {
            String file = "/" + db + "/public" + NDJSON + "t-1.ndjson";
            assertOk(http.post(p.uri(file), """
                    {"after":{"pk":42,"v":99},"key":[42],"updated":"1.0"}
                    {"after":{"pk":43,"v":98},"key":[43],"updated":"1.0"}
                    """));
            assertThat(count("t")).isEqualTo(immediate ? 2 : 0);
            assertOk(http.post(p.uri("/" + db + "/public/1970-01-01/197001010000000000000020000000000.RESOLVED"), ""));
            awaitCount("t", 2);
            assertOk(http.post(p.uri(file), """
                    {"after":null,"key":[42],"updated":"3.0"}
                    {"key":[43],"updated":"3.0"}
                    """));
            assertOk(http.post(p.uri("/" + db + "/public/1970-01-01/197001010000000000000050000000000.RESOLVED"), ""));
            awaitCount("t", 0);
        }
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void webhookBatchesStageUntilResolvedThenDeleteBothWays(boolean immediate) throws Exception {
        try (CdcSinkProcess p = start("webhook", immediate)) {
            var hook = p.uri("/" + db + "/public");
            assertOk(http.post(hook, """
                    {"payload":[{"after":{"pk":42,"v":99},"key":[42],"topic":"t","updated":"10.0"},
                                {"after":{"pk":43,"v":98},"key":[43],"topic":"t","updated":"10.0"}],"length":2}"""));
            assertThat(count("t")).isEqualTo(immediate ? 2 : 0);
            assertOk(http.post(hook, "{\"resolved\":\"20.0\"}"));
            awaitCount("t", 2);
            assertOk(http.post(hook, """
                    {"payload":[{"after":null,"key":[42],"topic":"t","updated":"30.0"},
                                {"key":[43],"topic":"t","updated":"30.0"}],"length":2}"""));
            assertOk(http.post(hook, "{\"resolved\":\"40.0\"}"));
            awaitCount("t", 0);
        }
    }

    /**
     * Issue #27 through the real jar: under {@code --onApplyError deadletter} a changefeed row the target refuses is
     * set aside while the rest of its window (consistent) or request (immediate) applies and the changefeed gets 200;
     * {@code cdc-sink deadletters retry} applies it after the fix.
     */
    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void aRefusedChangefeedRowIsSetAsideAndRetriedAfterTheFix(boolean immediate) throws Exception {
        sql("ALTER TABLE t ADD CONSTRAINT small CHECK (v < 100)");
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
        try (CdcSinkProcess p = immediate
                ? CdcSinkProcess.start(conn, "webhook", "--immediate", "--onApplyError", "deadletter")
                : CdcSinkProcess.start(conn, "webhook", "--onApplyError", "deadletter")) {
            var hook = p.uri("/" + db + "/public");
            String body = """
                    {"payload":[{"after":{"pk":1,"v":1},"key":[1],"topic":"t","updated":"10.0"},
                                {"after":{"pk":2,"v":500},"key":[2],"topic":"t","updated":"10.0"},
                                {"after":{"pk":3,"v":3},"key":[3],"topic":"t","updated":"10.0"}],"length":3}""";
            Http.Reply first = http.post(hook, body);
            if (immediate) {
                // The first attempt finds that a row is refused and answers 503; the changefeed sends it again.
                assertThat(first.status()).as(first.body()).isEqualTo(503);
                assertOk(http.post(hook, body));
            } else {
                assertOk(first);
                assertOk(http.post(hook, "{\"resolved\":\"20.0\"}"));
            }
            awaitCount("t", 2);
            assertThat(query("SELECT count(*) FROM _cdc_sink.dead_letters WHERE key = '[2]'")).isEqualTo(1);
            assertThat(http.get(p.uri("/_/healthz")).status()).isEqualTo(200);

            sql("ALTER TABLE t DROP CONSTRAINT small");
            JarCommand.Run retry = JarCommand.run("deadletters", "retry", "--targetConn", conn, "--table", "public.t");
            assertThat(retry.exit()).as(retry.output()).isZero();
            assertThat(retry.output()).contains("1 of 1 dead letters applied");
            assertThat(query("SELECT sum(v) FROM t")).isEqualTo(504);
            assertThat(query("SELECT count(*) FROM _cdc_sink.dead_letters")).isZero();
        }
    }

    @Test
    void emptyBodiesSucceedAndResolvedMayNotGoBackwards() throws Exception {
        try (CdcSinkProcess p = start("empty", false)) {
            assertOk(http.post(p.uri("/" + db + "/public"), ""));
            assertOk(http.post(p.uri("/" + db + "/public" + NDJSON + "t-1.ndjson"), ""));
            // Empty, but aimed at a target that does not exist: refused, so a misconfigured feed is noticed.
            assertThat(http.post(p.uri("/nosuchdb/public"), "").status()).isEqualTo(400);
            assertThat(http.post(p.uri("/" + db + "/nosuchschema"), "").body()).contains("no schema named");
            assertOk(http.post(p.uri("/" + db + "/public"), "{\"resolved\":\"50000.0\"}"));
            assertOk(http.post(p.uri("/" + db + "/public"), "{\"resolved\":\"50000.0\"}"));
            Http.Reply back = http.post(p.uri("/" + db + "/public"), "{\"resolved\":\"25.0\"}");
            assertThat(back.status()).isEqualTo(400);
            assertThat(back.body()).contains("backwards");
            assertThat(http.get(p.uri("/")).status()).isEqualTo(404);
            assertThat(http.get(p.uri("/_/nothing")).status()).isEqualTo(404);
        }
        try (CdcSinkProcess p = start("empty-immediate", true)) {
            assertOk(http.post(p.uri("/" + db + "/public"), "{\"resolved\":\"50000.0\"}"));
            assertOk(http.post(p.uri("/" + db + "/public"), "{\"resolved\":\"25.0\"}"));
        }
    }

    @Test
    void duplicateAndOutOfOrderDeliveriesEndInTheNewestState() throws Exception {
        try (CdcSinkProcess p = start("redelivery", false)) {
            var hook = p.uri("/" + db + "/public");
            String newer = upserts(1, 50, 20, 2);
            String older = upserts(1, 50, 10, 1);
            assertOk(http.post(hook, newer));
            assertOk(http.post(hook, older));
            assertOk(http.post(hook, newer));
            assertOk(http.post(hook, older));
            assertOk(http.post(hook, "{\"resolved\":\"30.0\"}"));
            awaitCount("t", 50);
            assertThat(query("SELECT count(*) FROM t WHERE v = 2")).isEqualTo(50);
            // A redelivery of data at or before an applied resolved timestamp must not bring old values back.
            assertOk(http.post(hook, older));
            assertOk(http.post(hook, "{\"resolved\":\"31.0\"}"));
            awaitApplied("31.0");
            assertThat(query("SELECT count(*) FROM t WHERE v = 2")).isEqualTo(50);
        }
    }

    @Test
    void badInputIsRejectedNamingTheProblemAndNothingOfTheRequestIsKept() throws Exception {
        try (CdcSinkProcess p = start("bad", false)) {
            var hook = p.uri("/" + db + "/public");
            // A table or column the target lacks is not bad input: ChangefeedSchemaChangeIT.
            assertRejected(http.post(hook, "{\"payload\":[{\"after\":{\"pk\":1,\"v\":1},\"key\":[1],\"topic\":\"t\","
                    + "\"updated\":\"1.0\"},{\"after\":{\"zzz\":1},\"key\":[2],\"topic\":\"t\","
                    + "\"updated\":\"1.0\"}]}"), "missing primary key column pk");
            assertRejected(http.post(hook, "{\"payload\":[{\"after\":{\"v\":1},\"key\":[1],\"topic\":\"t\","
                    + "\"updated\":\"1.0\"}]}"), "pk");
            assertRejected(http.post(hook, "{\"payload\":[{\"key\":[1,2],\"topic\":\"t\",\"updated\":\"1.0\"}]}"),
                    "key");
            assertRejected(http.post(hook, "{\"payload\":[{\"after\":{\"pk\":1},\"key\":[1],\"topic\":\"t\","
                    + "\"updated\":\"1.x\"}]}"), "1.x");
            assertRejected(http.post(hook, "{\"payload\":[{\"after\":{\"pk\":\"one\"},\"key\":[\"one\"],\"topic\":"
                    + "\"t\",\"updated\":\"1.0\"}]}"), "t");
            assertRejected(http.post(hook, "{\"payload\":[ {\"after\""), "");
            assertRejected(http.post(p.uri("/nosuchdb/public"), upserts(1, 1, 1, 1)), "nosuchdb");
            assertOk(http.post(hook, "{\"resolved\":\"5.0\"}"));
            awaitApplied("5.0");
            assertThat(count("t")).as("the valid element of a rejected request must not be applied").isZero();
        }
    }

    @Test
    void textsThatJsonAcceptsButTheTargetCannotStoreAreRejectedBeforeStaging() throws Exception {
        // Staging tables hold JSON, which keeps an escaped NUL or a lone surrogate; the target's text columns cannot,
        // so such a row must be refused at the door, not staged to fail every later window.
        sql("CREATE TABLE s (pk INT PRIMARY KEY, v TEXT)");
        try (CdcSinkProcess p = start("nul", false)) {
            var hook = p.uri("/" + db + "/public");
            for (Map.Entry<String, String> bad : Map.of("a\\u0000b", "\\u0000 cannot be converted to text",
                    "\\ud800", "payload[1] field \"after\" holds a lone UTF-16 surrogate (\\ud800)").entrySet()) {
                assertRejected(http.post(hook, "{\"payload\":[{\"after\":{\"pk\":1,\"v\":\"fine\"},\"key\":[1],"
                        + "\"topic\":\"s\",\"updated\":\"1.0\"},{\"after\":{\"pk\":2,\"v\":\"" + bad.getKey()
                        + "\"},\"key\":[2],\"topic\":\"s\",\"updated\":\"1.0\"}]}"), bad.getValue());
            }
            assertOk(http.post(hook, "{\"payload\":[{\"after\":{\"pk\":3,\"v\":\"ok\"},\"key\":[3],"
                    + "\"topic\":\"s\",\"updated\":\"2.0\"}]}"));
            assertOk(http.post(hook, "{\"resolved\":\"5.0\"}"));
            awaitApplied("5.0");
            assertThat(count("s")).as("only the valid request is applied").isOne();
        }
    }

    @Test
    void twoTablesOfOneWindowBecomeVisibleTogether() throws Exception {
        sql("CREATE TABLE u (pk INT PRIMARY KEY, v INT)");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM u)")) {
                        rs.next();
                        if (rs.getLong(1) != rs.getLong(2)) {
                            torn.compareAndSet(null, rs.getLong(1) + " rows in t but " + rs.getLong(2) + " in u");
                        }
                        reads.incrementAndGet();
                    }
                }
            } catch (SQLException e) {
                torn.compareAndSet(null, e.toString());
            }
        });
        try (CdcSinkProcess p = start("atomic", false)) {
            reader.start();
            var hook = p.uri("/" + db + "/public");
            int windows = 40;
            for (int w = 1; w <= windows; w++) {
                // u arrives before t, in separate requests, as two changefeed nodes might deliver them.
                for (String table : List.of("u", "t")) {
                    assertOk(http.post(hook, "{\"payload\":[{\"after\":{\"pk\":" + w + ",\"v\":" + w
                            + "},\"key\":[" + w + "],\"topic\":\"" + table + "\",\"updated\":\"" + (w * 10)
                            + ".0\"}]}"));
                }
                assertOk(http.post(hook, "{\"resolved\":\"" + (w * 10 + 5) + ".0\"}"));
            }
            awaitCount("u", windows);
            awaitCount("t", windows);
        } finally {
            stop.set(true);
            reader.join();
        }
        assertThat(torn.get()).as("a reader saw one table of a window without the other").isNull();
        assertThat(reads.get()).isGreaterThan(10);
    }

    @Test
    void windowsPendingAtACrashAreAppliedAfterRestartWithoutNewTraffic() throws Exception {
        try (Connection lock = pg.dataSource(db).getConnection(); Statement s = lock.createStatement()) {
            // Hold the resolver's lock for schema "public" so the first process can stage but not apply.
            s.execute("SELECT pg_advisory_lock(" + resolverLockKey("public") + ")");
            CdcSinkProcess first = start("crash-1", false);
            try {
                assertOk(http.post(first.uri("/" + db + "/public"), upserts(1, 100, 10, 7)));
                assertOk(http.post(first.uri("/" + db + "/public"), "{\"resolved\":\"20.0\"}"));
                Thread.sleep(1500);
                assertThat(count("t")).isZero();
            } finally {
                first.kill();
            }
            s.execute("SELECT pg_advisory_unlock_all()");
        }
        try (CdcSinkProcess second = start("crash-2", false)) {
            awaitCount("t", 100);
            assertThat(query("SELECT count(*) FROM _cdc_sink.pending_timestamps WHERE applied_at IS NULL")).isZero();
            assertThat(second.isAlive()).isTrue();
        }
    }

    @Test
    void twoInstancesShareTheWorkAndApplyEachWindowOnce() throws Exception {
        try (CdcSinkProcess a = start("pair-a", false); CdcSinkProcess b = start("pair-b", false)) {
            List<CdcSinkProcess> both = List.of(a, b);
            int windows = 20;
            for (int w = 1; w <= windows; w++) {
                CdcSinkProcess to = both.get(w % 2);
                assertOk(http.post(to.uri("/" + db + "/public"), upserts(w * 1000, 10, w * 10, w)));
                CdcSinkProcess other = both.get((w + 1) % 2);
                assertOk(http.post(other.uri("/" + db + "/public"), "{\"resolved\":\"" + (w * 10 + 5) + ".0\"}"));
            }
            awaitCount("t", windows * 10);
            awaitApplied((windows * 10 + 5) + ".0");
            assertThat(query("SELECT count(*) FROM _cdc_sink.pending_timestamps WHERE applied_at IS NULL")).isZero();
            for (int w = 1; w <= windows; w++) {
                assertThat(query("SELECT count(*) FROM t WHERE v = " + w)).isEqualTo(10);
            }
            String varz = http.get(a.uri("/_/varz")).body() + http.get(b.uri("/_/varz")).body();
            assertThat(varz).contains("http_requests_total").contains("resolve_windows_applied_total");
        }
    }

    private CdcSinkProcess start(String name, boolean immediate) throws Exception {
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
        return immediate ? CdcSinkProcess.start(conn, name, "--immediate") : CdcSinkProcess.start(conn, name);
    }

    /** A webhook body upserting {@code count} rows from {@code firstPk} at time {@code nanos}.0 with value v. */
    private static String upserts(int firstPk, int count, long nanos, int v) {
        List<String> els = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int pk = firstPk + i;
            els.add("{\"after\":{\"pk\":" + pk + ",\"v\":" + v + "},\"key\":[" + pk + "],\"topic\":\"t\",\"updated\":\""
                    + nanos + ".0\"}");
        }
        return "{\"payload\":[" + String.join(",", els) + "],\"length\":" + count + "}";
    }

    /** The advisory-lock key the resolver uses: first 8 bytes of SHA-256("cdc-sink resolver " + schema). */
    private static long resolverLockKey(String schema) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                .digest(("cdc-sink resolver " + schema).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (d[i] & 0xff);
        }
        return key;
    }

    private static void assertOk(Http.Reply r) {
        assertThat(r.status()).as("status, body: %s", r.body()).isEqualTo(200);
    }

    private static void assertRejected(Http.Reply r, String mentions) {
        assertThat(r.status()).as("status, body: %s", r.body()).isEqualTo(400);
        assertThat(r.body()).contains(mentions);
    }

    private void awaitCount(String table, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = count(table);
            if (seen == expected) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(seen).as("rows in %s", table).isEqualTo(expected);
    }

    private void awaitApplied(String resolved) throws Exception {
        long nanos = Long.parseLong(resolved.substring(0, resolved.indexOf('.')));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (query("SELECT count(*) FROM _cdc_sink.timestamps WHERE nanos >= " + nanos) > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("resolved timestamp " + resolved + " was not applied within 30 s");
    }

    private long count(String table) throws SQLException {
        return query("SELECT count(*) FROM " + table);
    }

    private long query(String sql) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
