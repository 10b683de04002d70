package io.cdcsink.it;

import static io.cdcsink.it.ChangefeedBodies.resolvedAt;
import static io.cdcsink.it.ChangefeedBodies.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.FaultProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Issue #30 item 3, the webhook path: network faults between {@code cdc-sink start} and its target, and between the
 * changefeed and cdc-sink, injected by {@link FaultProxy}: a latency spike, a blackhole (bytes dropped, no reset),
 * resets, and half-open connections. Every hang must end by a timeout, each post gets an answer (503 while the
 * target cannot be reached, never a 4xx), and once the network is back the rows arrive without a restart.
 *
 * <p>The target's connection string sets short timeouts ({@code socketTimeout=3}, {@code statement_timeout} 2 s),
 * as an operator may; the defaults (90 s and 60 s, {@code TargetTimeouts}) would only make the test slower.
 */
class NetworkFaultsIT {
    private static final Duration ANSWER = Duration.ofSeconds(30);

    @Test
    void webhookTargetAndSenderFaults() throws Exception {
        EmbeddedPg pg = EmbeddedPg.shared();
        String db = pg.freshDatabase("netfault");
        pg.exec(db, "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
        Callable<Connection> target = () -> pg.dataSource(db).getConnection();
        List<String> figures = new ArrayList<>();
        try (FaultProxy toTarget = FaultProxy.to(pg.port())) {
            String conn = "postgresql://postgres@localhost:" + toTarget.port() + "/" + db
                    + "?sslmode=disable&socketTimeout=3&options=-c%20statement_timeout%3D2000";
            FeedClient feed = new FeedClient(ANSWER);
            try (CdcSinkProcess p = CdcSinkProcess.start(conn, "network-faults")) {
                URI hook = p.uri("/" + db + "/public");
                List<StalledSender> stalled = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    stalled.add(StalledSender.open(p.uri("/").getPort(), "/" + db + "/public"));
                }
                feed.deliver(hook, rows(1, 20, 1), resolvedAt(2));
                FeedClient.awaitRows(target, 1, 20);

                // A latency spike: 100 ms on every chunk, both ways.
                toTarget.delay(100);
                long t0 = System.nanoTime();
                int refused = feed.deliver(hook, rows(21, 40, 3), resolvedAt(4));
                FeedClient.awaitRows(target, 1, 40);
                figures.add(String.format("latency 100 ms: applied in %.1f s, %d refused", secs(t0), refused));
                toTarget.pass();

                // A blackhole: the post must still be answered, and the health check turn 503.
                toTarget.blackhole();
                t0 = System.nanoTime();
                int status = feed.send(hook, rows(41, 60, 5));
                double answered = secs(t0);
                assertThat(status).as("a post while the target is blackholed").isEqualTo(503);
                t0 = System.nanoTime();
                int health = status(p, "/_/healthz");
                figures.add(String.format("blackhole: post answered %d in %.1f s, healthz %d in %.1f s", status,
                        answered, health, secs(t0)));
                assertThat(health).isEqualTo(503);
                assertThat(answered).isLessThan(20.0);
                toTarget.pass();
                t0 = System.nanoTime();
                refused = feed.deliver(hook, rows(41, 60, 5), resolvedAt(6));
                FeedClient.awaitRows(target, 1, 60);
                figures.add(String.format("blackhole lifted: applied in %.1f s, %d refused", secs(t0), refused));

                // Every connection to the target reset.
                toTarget.resetAll();
                t0 = System.nanoTime();
                refused = feed.deliver(hook, rows(61, 80, 7), resolvedAt(8));
                FeedClient.awaitRows(target, 1, 80);
                figures.add(String.format("reset: applied in %.1f s, %d refused", secs(t0), refused));

                // Half-open: the target's side of every connection is gone, cdc-sink's side hears nothing.
                toTarget.halfOpen();
                t0 = System.nanoTime();
                status = feed.send(hook, rows(81, 100, 9));
                answered = secs(t0);
                assertThat(status).as("a post while the target is half-open").isEqualTo(503);
                toTarget.pass();
                t0 = System.nanoTime();
                refused = feed.deliver(hook, rows(81, 100, 9), resolvedAt(10));
                FeedClient.awaitRows(target, 1, 100);
                figures.add(String.format("half-open: post answered %d in %.1f s; lifted: applied in %.1f s, %d"
                        + " refused", status, answered, secs(t0), refused));

                // Between the changefeed and cdc-sink: a blackhole and a reset in the middle of posts.
                try (FaultProxy toSink = FaultProxy.to(p.uri("/").getPort())) {
                    URI viaProxy = URI.create("http://127.0.0.1:" + toSink.port() + hook.getPath());
                    FeedClient shortFeed = new FeedClient(Duration.ofSeconds(3));
                    shortFeed.deliver(viaProxy, rows(101, 110, 11));
                    toSink.blackhole();
                    t0 = System.nanoTime();
                    int lost = shortFeed.send(viaProxy, rows(111, 120, 11));
                    assertThat(lost).as("a post into the blackhole gets no answer").isEqualTo(-1);
                    toSink.resetAll();
                    toSink.pass();
                    refused = shortFeed.deliver(viaProxy, rows(111, 120, 11), resolvedAt(12));
                    FeedClient.awaitRows(target, 1, 120);
                    figures.add(String.format("sender blackholed then reset: the sender's timeout ended the post;"
                            + " applied %.1f s after the fault began, %d more refused, answers %s", secs(t0),
                            refused, shortFeed.answers()));
                }

                // Senders that went quiet in the middle of a request: cdc-sink closes them by its idle timeout.
                double slowest = 0;
                for (StalledSender s : stalled) {
                    slowest = Math.max(slowest, s.awaitClosed(Duration.ofSeconds(60)));
                }
                figures.add(String.format("%d senders stalled mid-request: closed by cdc-sink after %.1f s at most",
                        stalled.size(), slowest));
                assertThat(feed.answers()).allMatch(s -> !s.startsWith("4"));
                assertThat(p.isAlive()).isTrue();
                figures.add("answers to the changefeed: " + feed.answers());
            }
        } finally {
            figures.forEach(f -> System.out.println("NETFAULT webhook " + f));
        }
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int status(CdcSinkProcess p, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri(path)).timeout(ANSWER).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** A sender that began a post, sent part of its body and then went quiet. */
    private record StalledSender(Socket socket, long openedNanos) {
        static StalledSender open(int port, String path) throws Exception {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"payload\":[").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new StalledSender(s, System.nanoTime());
        }

        /** Seconds from opening until cdc-sink closed the connection. */
        double awaitClosed(Duration max) throws Exception {
            socket.setSoTimeout((int) max.toMillis());
            try (Socket s = socket; InputStream in = s.getInputStream()) {
                byte[] buf = new byte[4096];
                while (in.read(buf) >= 0) {
                    // an error answer may come first; the close is what counts
                }
            } catch (java.net.SocketException reset) {
                // closed with a reset: closed all the same
            }
            return (System.nanoTime() - openedNanos) / 1e9;
        }
    }
}
