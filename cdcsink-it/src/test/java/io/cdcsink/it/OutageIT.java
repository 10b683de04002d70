package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Database outages with the real jar: the target of {@code cdc-sink start}, and the source and the target of
 * {@code cdc-sink pglogical}, are stopped and restarted (same port, same data) while cdc-sink runs. While a database
 * is down {@code /_/healthz} answers 503 and changefeed posts 503 with {@code Retry-After}; afterwards cdc-sink
 * recovers without a restart and the target ends up exactly equal to what was sent.
 */
@EnabledIfSystemProperty(named = "outage", matches = "true", disabledReason = "compiled but not yet run green "
        + "(the machine was too loaded to build the jar in time); run with -Doutage=true, then remove this gate")
class OutageIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void webhookTargetOutage() throws Exception {
        try (RestartablePg target = RestartablePg.start()) {
            target.exec("postgres", "CREATE DATABASE app");
            target.exec("app", "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
            try (CdcSinkProcess p = CdcSinkProcess.start(target.url("app"), "outage-webhook")) {
                URI hook = p.uri("/app/public");
                assertThat(post(hook, batch(1, 50, 1)).statusCode()).isEqualTo(200);
                assertThat(post(hook, resolved(2)).statusCode()).isEqualTo(200);
                awaitCount(target, 50);

                long down = System.nanoTime();
                target.down();
                awaitStatus(p, "/_/healthz", 503);
                HttpResponse<String> refused = post(hook, batch(51, 100, 3));
                System.out.printf("OUTAGE webhook target down: healthz 503 after %.1f s, post answered %d in "
                        + "%.1f s%n", (System.nanoTime() - down) / 1e9, refused.statusCode(),
                        (System.nanoTime() - down) / 1e9);
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                HttpResponse<String> refusedResolved = post(hook, resolved(4));
                assertThat(refusedResolved.statusCode()).isEqualTo(503);

                target.up();
                long up = System.nanoTime();
                awaitStatus(p, "/_/healthz", 200);
                System.out.printf("OUTAGE webhook target back: healthz 200 after %.1f s%n",
                        (System.nanoTime() - up) / 1e9);
                // The changefeed resends what was refused; a batch delivered twice must not duplicate anything.
                assertThat(post(hook, batch(51, 100, 3)).statusCode()).isEqualTo(200);
                assertThat(post(hook, batch(51, 100, 3)).statusCode()).isEqualTo(200);
                assertThat(post(hook, resolved(4)).statusCode()).isEqualTo(200);
                awaitCount(target, 100);
                Map<Integer, String> rows = rows(target);
                assertThat(rows).hasSize(100);
                for (int k = 1; k <= 100; k++) {
                    assertThat(rows.get(k)).isEqualTo("v" + k);
                }
                assertThat(p.isAlive()).isTrue();
            }
        }
    }

    @Test
    void pglogicalSourceAndTargetOutages() throws Exception {
        try (RestartablePg source = RestartablePg.start(); RestartablePg target = RestartablePg.start()) {
            source.exec("postgres", "CREATE DATABASE src");
            target.exec("postgres", "CREATE DATABASE dst");
            String ddl = "CREATE TABLE acct (k INT PRIMARY KEY, bal BIGINT, note TEXT)";
            source.exec("src", ddl, "CREATE PUBLICATION pub FOR ALL TABLES",
                    "SELECT pg_create_logical_replication_slot('cdc_sink_src', 'pgoutput')",
                    "INSERT INTO acct SELECT g, 1000, 'start' FROM generate_series(1, 200) g");
            target.exec("dst", ddl);
            List<String> flags = List.of("--sourceConn", source.url("src"), "--targetConn", target.url("postgres"),
                    "--targetDB", "dst", "--publicationName", "pub", "--slotName", "cdc_sink_src",
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "outage-pglogical", flags)) {
                awaitSame(source, target);
                transfers(source, 0);

                // Source outage in the middle of the stream.
                source.down();
                awaitStatus(p, "/_/healthz", 503);
                Thread.sleep(1000);
                source.up();
                transfers(source, 1);
                awaitStatus(p, "/_/healthz", 200);
                awaitSame(source, target);

                // Target outage: the source keeps changing meanwhile.
                target.down();
                transfers(source, 2);
                awaitStatus(p, "/_/healthz", 503);
                transfers(source, 3);
                target.up();
                awaitStatus(p, "/_/healthz", 200);
                awaitSame(source, target);
                assertThat(sum(target)).isEqualTo(200_000);
                String log = p.logText();
                System.out.printf("OUTAGE pglogical: %d retries logged, source and target equal (%s)%n",
                        log.lines().filter(l -> l.contains("retrying in")).count(), digest(target, "dst"));
                assertThat(p.isAlive()).isTrue();
            }
        }
    }

    /** 50 transactions moving money between accounts: the total stays 200 000. */
    private static void transfers(RestartablePg source, int round) throws SQLException {
        try (Connection c = source.dataSource("src").getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < 50; i++) {
                int from = 1 + (i * 7 + round * 13) % 200;
                int to = 1 + (i * 11 + round * 17 + 1) % 200;
                s.execute("BEGIN");
                s.execute("UPDATE acct SET bal = bal - 5, note = 'r" + round + "' WHERE k = " + from);
                s.execute("UPDATE acct SET bal = bal + 5 WHERE k = " + to);
                s.execute("COMMIT");
            }
        }
    }

    private static String batch(int from, int to, long nanos) {
        StringBuilder sb = new StringBuilder("{\"payload\":[");
        for (int k = from; k <= to; k++) {
            sb.append(k == from ? "" : ",").append("{\"after\":{\"k\":").append(k).append(",\"v\":\"v").append(k)
                    .append("\"},\"key\":[").append(k).append("],\"topic\":\"t\",\"updated\":\"").append(nanos)
                    .append(".0\"}");
        }
        return sb.append("]}").toString();
    }

    private static String resolved(long nanos) {
        return "{\"resolved\":\"" + nanos + ".0\"}";
    }

    private HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitStatus(CdcSinkProcess p, String path, int status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = http.send(HttpRequest.newBuilder(p.uri(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(last).as(path + " status").isEqualTo(status);
    }

    private static void awaitCount(RestartablePg target, int expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rows(target).size() < expected) {
            assertThat(System.nanoTime()).as("rows applied").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Map<Integer, String> rows(RestartablePg target) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        try (Connection c = target.dataSource("app").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, v FROM t")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    private static void awaitSame(RestartablePg source, RestartablePg target) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!digest(source, "src").equals(digest(target, "dst"))) {
            assertThat(System.nanoTime()).as("target equals source").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Every row's text form in order: equal digests mean equal tables. */
    private static String digest(RestartablePg pg, String db) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|'"
                     + " ORDER BY x.k)), '') FROM acct x")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long sum(RestartablePg pg) throws SQLException {
        try (Connection c = pg.dataSource("dst").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(bal) FROM acct")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
