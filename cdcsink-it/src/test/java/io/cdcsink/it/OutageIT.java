package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Database outages with the real jar: the target of {@code cdc-sink start}, and the source and the target of
 * {@code cdc-sink pglogical} and {@code cdc-sink mylogical}, are stopped and restarted (same port, same data) while
 * cdc-sink runs. While a database
 * is down {@code /_/healthz} answers 503 and changefeed posts 503 with {@code Retry-After}; afterwards cdc-sink
 * recovers without a restart and the target ends up exactly equal to what was sent.
 */
class OutageIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String DDL = "CREATE TABLE acct (k INT PRIMARY KEY, bal BIGINT, note TEXT)";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @Test
    void webhookTargetOutage() throws Exception {
        try (RestartablePg target = RestartablePg.start()) {
            target.exec("postgres", "CREATE DATABASE app");
            target.exec("app", "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
            try (CdcSinkProcess p = CdcSinkProcess.start(target.url("app"), "outage-webhook")) {
                URI hook = p.uri("/app/public");
                assertThat(post(hook, ChangefeedBodies.rows(1, 50, 1)).statusCode()).isEqualTo(200);
                assertThat(post(hook, ChangefeedBodies.resolvedAt(2)).statusCode()).isEqualTo(200);
                awaitCount(target, 50);

                target.down();
                long down = System.nanoTime();
                awaitStatus(p, "/_/healthz", 503);
                double unhealthy = (System.nanoTime() - down) / 1e9;
                long sent = System.nanoTime();
                HttpResponse<String> refused = post(hook, ChangefeedBodies.rows(51, 100, 3));
                System.out.printf("OUTAGE webhook target down: healthz 503 after %.1f s, post answered %d in "
                        + "%.1f s%n", unhealthy, refused.statusCode(), (System.nanoTime() - sent) / 1e9);
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                HttpResponse<String> refusedResolved = post(hook, ChangefeedBodies.resolvedAt(4));
                assertThat(refusedResolved.statusCode()).isEqualTo(503);

                target.up();
                long up = System.nanoTime();
                awaitStatus(p, "/_/healthz", 200);
                System.out.printf("OUTAGE webhook target back: healthz 200 after %.1f s%n",
                        (System.nanoTime() - up) / 1e9);
                // The changefeed resends what was refused; a batch delivered twice must not duplicate anything.
                assertThat(post(hook, ChangefeedBodies.rows(51, 100, 3)).statusCode()).isEqualTo(200);
                assertThat(post(hook, ChangefeedBodies.rows(51, 100, 3)).statusCode()).isEqualTo(200);
                assertThat(post(hook, ChangefeedBodies.resolvedAt(4)).statusCode()).isEqualTo(200);
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
            source.exec("src", DDL, "CREATE PUBLICATION pub FOR ALL TABLES",
                    "SELECT pg_create_logical_replication_slot('cdc_sink_src', 'pgoutput')",
                    "INSERT INTO acct SELECT g, 1000, 'start' FROM generate_series(1, 200) g");
            target.exec("dst", DDL);
            List<String> flags = List.of("--sourceConn", source.url("src"), "--targetConn", target.url("postgres"),
                    "--targetDB", "dst", "--publicationName", "pub", "--slotName", "cdc_sink_src",
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "outage-pglogical", flags)) {
                outages("pglogical", p, new Side(source::up, source::down, () -> source.dataSource("src")
                        .getConnection()), target);
            }
        }
    }

    @Test
    void mylogicalSourceAndTargetOutages() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.startPrivate();
        try (RestartablePg target = RestartablePg.start()) {
            String gtid = maria.gtidBinlogPos();
            maria.execute("", "CREATE DATABASE src");
            maria.execute("src", DDL);
            try (Connection c = maria.connect("src"); Statement s = c.createStatement()) {
                for (int k = 1; k <= 200; k++) {
                    s.addBatch("INSERT INTO acct VALUES (" + k + ", 1000, 'start')");
                }
                s.executeBatch();
            }
            target.exec("postgres", "CREATE DATABASE dst");
            target.exec("dst", DDL);
            List<String> flags = List.of("--sourceConn", maria.sourceConn(), "--targetConn",
                    target.url("postgres"), "--targetDB", "dst", "--sourceDatabase", "src", "--defaultGTIDSet", gtid,
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("mylogical", "outage-mylogical", flags)) {
                outages("mylogical", p, new Side(maria::up, maria::down, () -> maria.connect("src")), target);
            }
        } finally {
            maria.down();
        }
    }

    /** A source database a test can stop and start. */
    private record Side(Action up, Action down, Callable<Connection> connect) {
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** A source outage, then a target outage while the source keeps changing; the target must end equal. */
    private void outages(String name, CdcSinkProcess p, Side source, RestartablePg target) throws Exception {
        Callable<Connection> dst = () -> target.dataSource("dst").getConnection();
        awaitSame(source.connect(), dst);
        transfers(source.connect(), 0);

        source.down().run();
        long down = System.nanoTime();
        awaitStatus(p, "/_/healthz", 503);
        double sourceUnhealthy = (System.nanoTime() - down) / 1e9;
        Thread.sleep(1000);
        source.up().run();
        long up = System.nanoTime();
        transfers(source.connect(), 1);
        awaitStatus(p, "/_/healthz", 200);
        double sourceHealthy = (System.nanoTime() - up) / 1e9;
        awaitSame(source.connect(), dst);

        target.down();
        down = System.nanoTime();
        transfers(source.connect(), 2);
        awaitStatus(p, "/_/healthz", 503);
        double targetUnhealthy = (System.nanoTime() - down) / 1e9;
        transfers(source.connect(), 3);
        target.up();
        up = System.nanoTime();
        awaitStatus(p, "/_/healthz", 200);
        double targetHealthy = (System.nanoTime() - up) / 1e9;
        int rows = awaitSame(source.connect(), dst);
        try (Connection c = dst.call(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(bal) FROM acct")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(200_000);
        }
        System.out.printf("OUTAGE %s: source down -> healthz 503 in %.1f s, back -> 200 in %.1f s; target down ->"
                        + " 503 in %.1f s, back -> 200 in %.1f s; %d retries logged; %d rows equal%n", name,
                sourceUnhealthy, sourceHealthy, targetUnhealthy, targetHealthy,
                p.logText().lines().filter(l -> l.contains("retrying in")).count(), rows);
        assertThat(p.isAlive()).isTrue();
    }

    /** 50 transactions moving money between accounts: the total stays 200 000. */
    private static void transfers(Callable<Connection> source, int round) throws Exception {
        try (Connection c = source.call(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 50; i++) {
                int from = 1 + (i * 7 + round * 13) % 200;
                int to = 1 + (i * 11 + round * 17 + 1) % 200;
                s.execute("UPDATE acct SET bal = bal - 5, note = 'r" + round + "' WHERE k = " + from);
                s.execute("UPDATE acct SET bal = bal + 5 WHERE k = " + to);
                c.commit();
            }
        }
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

    /** Waits until both sides hold the same rows; returns how many. */
    private static int awaitSame(Callable<Connection> source, Callable<Connection> target) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> want = acct(source);
            if (want.equals(acct(target))) {
                return want.size();
            }
            assertThat(System.nanoTime()).as("target equals source").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static List<String> acct(Callable<Connection> db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.call(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, bal, note FROM acct ORDER BY k")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
            }
        }
        return out;
    }
}
