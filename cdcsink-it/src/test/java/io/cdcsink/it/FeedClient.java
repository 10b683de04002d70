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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * A changefeed for the fault tests: posts each body until it is accepted, as a changefeed does, and records every
 * answer; a 4xx fails the test at once (a fault of the target or the network is never the request's fault). Also
 * reads back table {@code t} of {@link ChangefeedBodies}.
 */
final class FeedClient {
    static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final Duration requestTimeout;
    private final List<String> answers = new ArrayList<>();

    FeedClient(Duration requestTimeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.requestTimeout = requestTimeout;
    }

    /** Every answer so far: a status code, or {@code timeout}/{@code io} when none came. */
    synchronized List<String> answers() {
        return List.copyOf(answers);
    }

    synchronized void clear() {
        answers.clear();
    }

    /** Posts each body until it gets 200, waiting 200 ms between tries; returns how many tries were refused. */
    int deliver(URI hook, String... bodies) throws Exception {
        int refused = 0;
        for (String body : bodies) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                int status = send(hook, body);
                if (status == 200) {
                    break;
                }
                refused++;
                assertThat(status).as("answer to a post").matches(s -> s < 400 || s >= 500, "not a 4xx");
                assertThat(System.nanoTime()).as("accepted within " + WAIT).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        return refused;
    }

    /** One post: its status, or -1 when no answer came in time or the connection failed. */
    int send(URI hook, String body) throws Exception {
        String answer;
        int status;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(hook).timeout(requestTimeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            answer = Integer.toString(status);
        } catch (java.net.http.HttpTimeoutException e) {
            status = -1;
            answer = "timeout";
        } catch (java.io.IOException e) {
            status = -1;
            answer = "io";
        }
        synchronized (this) {
            answers.add(answer);
        }
        return status;
    }

    /** Waits until table {@code t} holds exactly keys {@code from..to}, each with its value. */
    static void awaitRows(Callable<Connection> db, int from, int to) throws Exception {
        Map<Integer, String> want = new TreeMap<>();
        for (int k = from; k <= to; k++) {
            want.put(k, "v" + k);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<Integer, String> got = Map.of();
        while (System.nanoTime() < deadline) {
            got = rows(db);
            if (got.equals(want)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(got).isEqualTo(want);
    }

    static Map<Integer, String> rows(Callable<Connection> db) throws Exception {
        Map<Integer, String> out = new TreeMap<>();
        try (Connection c = db.call(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, v FROM t")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }
}
