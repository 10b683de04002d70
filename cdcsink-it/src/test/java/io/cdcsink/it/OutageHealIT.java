package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An outage of the target surfaces and heals fast ({@code cdc-sink start}, consistent mode): while the target
 * PostgreSQL is down (killed with SIGKILL) every changefeed post is answered 503 within 2 s, and once it accepts
 * connections again a window posted then is applied within 2 s, although the resolver's loop has failed all along
 * and its backoff has grown to 8 s.
 */
class OutageHealIT {
    private static final Duration LIMIT = Duration.ofSeconds(2);
    /** Long enough for the resolver's backoff (1 s, doubling) to reach 8 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("outage.seconds", 12));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aDownTargetIsReportedWithin2sAndApplyingResumesWithin2sAfterItIsBack() throws Exception {
        try (CrashablePg target = CrashablePg.start()) {
            target.exec("postgres", "CREATE DATABASE heal");
            target.exec("heal", "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
            try (CdcSinkProcess p = CdcSinkProcess.start(target.url("heal"), "outage-heal")) {
                URI hook = p.uri("/heal/public");
                long nanos = System.currentTimeMillis() * 1_000_000L;
                assertThat(post(hook, ChangefeedBodies.rows(1, 10, nanos)).statusCode()).isEqualTo(200);
                assertThat(post(hook, ChangefeedBodies.resolvedAt(nanos + 1)).statusCode()).isEqualTo(200);
                awaitRows(target, 10, Duration.ofSeconds(30));

                target.crash();
                long down = System.nanoTime();
                List<Double> refusals = new ArrayList<>();
                while (System.nanoTime() - down < OUTAGE.toNanos()) {
                    long sent = System.nanoTime();
                    HttpResponse<String> r = post(hook, ChangefeedBodies.rows(11, 15, nanos + 2));
                    double seconds = (System.nanoTime() - sent) / 1e9;
                    assertThat(r.statusCode()).as("a post while the target is down: %s", r.body()).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    refusals.add(seconds);
                    Thread.sleep(500);
                }
                String log = p.logText();
                target.up();
                long up = System.nanoTime();
                // The changefeed's next delivery after the target is back: retried while answered 503.
                long applied = nanos + 3;
                while (post(hook, ChangefeedBodies.rows(11, 20, applied)).statusCode() != 200) {
                    assertThat(System.nanoTime() - up).as("the batch accepted").isLessThan(LIMIT.toNanos() * 5);
                    Thread.sleep(50);
                }
                while (post(hook, ChangefeedBodies.resolvedAt(applied + 1)).statusCode() != 200) {
                    assertThat(System.nanoTime() - up).as("the resolved accepted").isLessThan(LIMIT.toNanos() * 5);
                    Thread.sleep(50);
                }
                double accepted = (System.nanoTime() - up) / 1e9;
                awaitRows(target, 20, Duration.ofSeconds(60));
                double resumed = (System.nanoTime() - up) / 1e9;
                double slowest = refusals.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                long failures = log.lines().filter(l -> l.contains("could not apply the next resolved window"))
                        .count();
                long warnings = log.lines().filter(l -> l.contains("WARN")
                        && l.contains("could not apply the next resolved window")).count();
                System.out.printf("OUTAGE HEAL: %d posts while down answered 503 in %.2f s at most (all %s);"
                                + " target back -> posts accepted after %.2f s, window applied after %.2f s;"
                                + " resolver failures logged during the outage: %d, as WARN: %d%n", refusals.size(),
                        slowest,
                        refusals.stream().map(s -> String.format("%.2f", s)).toList(), accepted, resumed,
                        failures, warnings);
                // Every wake retries a failing window: its WARN comes at most once per 10 s.
                assertThat(warnings).as("resolver WARN lines in a %d s outage", OUTAGE.toSeconds())
                        .isBetween(1L, 1 + OUTAGE.toSeconds() / 10);
                assertThat(refusals.size()).isGreaterThanOrEqualTo(5);
                assertThat(slowest).as("seconds to a 503 while the target is down").isLessThan(LIMIT.toSeconds());
                assertThat(resumed).as("seconds from the target back to the window applied")
                        .isLessThan(LIMIT.toSeconds());
                try (Connection c = target.connect("heal"); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT k, v FROM t ORDER BY k")) {
                    int want = 1;
                    while (rs.next()) {
                        assertThat(rs.getInt(1)).isEqualTo(want);
                        assertThat(rs.getString(2)).isEqualTo("v" + want);
                        want++;
                    }
                    assertThat(want).isEqualTo(21);
                }
                assertThat(p.isAlive()).isTrue();
            }
        }
    }

    private static void awaitRows(CrashablePg target, int rows, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection c = target.connect("heal"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                if (rs.getInt(1) >= rows) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("%d rows applied", rows).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
