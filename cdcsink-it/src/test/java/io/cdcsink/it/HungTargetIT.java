package io.cdcsink.it;

import static io.cdcsink.it.ChangefeedBodies.resolvedAt;
import static io.cdcsink.it.ChangefeedBodies.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Issue #30 item 5: another session holds {@code LOCK TABLE t IN ACCESS EXCLUSIVE MODE} in an open transaction while
 * {@code cdc-sink start} has a window to apply to {@code t}. The statement timeout (2 s here, set in the connection
 * string; 60 s by default) must end each blocked attempt, {@code /_/status} must name the blocked table, no answer
 * to the changefeed may be a 4xx, and once the lock goes the window is applied without a restart.
 */
class HungTargetIT {
    @Test
    void lockedTargetTable() throws Exception {
        EmbeddedPg pg = EmbeddedPg.shared();
        String db = pg.freshDatabase("hung");
        pg.exec(db, "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
        Callable<Connection> target = () -> pg.dataSource(db).getConnection();
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db
                + "?sslmode=disable&options=-c%20statement_timeout%3D2000";
        FeedClient feed = new FeedClient(Duration.ofSeconds(30));
        HttpClient http = HttpClient.newHttpClient();
        try (CdcSinkProcess p = CdcSinkProcess.start(conn, "hung-target")) {
            URI hook = p.uri("/" + db + "/public");
            feed.deliver(hook, rows(1, 20, 1), resolvedAt(2));
            FeedClient.awaitRows(target, 1, 20);

            double named;
            double postsTook;
            int refused;
            String status;
            long released;
            try (Connection locker = target.call(); Statement s = locker.createStatement()) {
                locker.setAutoCommit(false);
                s.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
                long locked = System.nanoTime();
                refused = feed.deliver(hook, rows(21, 40, 3), resolvedAt(4));
                postsTook = (System.nanoTime() - locked) / 1e9;
                // The window cannot be applied: each attempt must end by the statement timeout and say where.
                status = "";
                while (System.nanoTime() - locked < Duration.ofSeconds(30).toNanos()) {
                    status = http.send(HttpRequest.newBuilder(p.uri("/_/status")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    if (blockedTableError(status, db + ".public.t").contains("statement timeout")) {
                        break;
                    }
                    Thread.sleep(200);
                }
                named = (System.nanoTime() - locked) / 1e9;
                // Held for 10 s in all: several attempts, each ended by the statement timeout.
                Thread.sleep(Math.max(0, Duration.ofSeconds(10).toMillis() - (long) (named * 1000)));
                System.out.println("HUNG table entry: " + blockedTableError(status, db + ".public.t"));
                // Nothing of the window is in the table (read inside the lock's own transaction).
                try (var rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(20);
                }
                locker.rollback();
                released = System.nanoTime();
            }
            FeedClient.awaitRows(target, 1, 40);
            double resumed = (System.nanoTime() - released) / 1e9;
            System.out.printf("HUNG lock held: posts accepted in %.1f s (%d refused, answers %s); /_/status named"
                    + " the blocked table after %.1f s; lock released: applied %.1f s later%n", postsTook, refused,
                    feed.answers(), named, resumed);
            assertThat(blockedTableError(status, db + ".public.t")).contains("statement timeout");
            long timeouts = p.logText().lines().filter(l -> l.contains("canceling statement due to statement"
                    + " timeout")).count();
            System.out.printf("HUNG %d attempts ended by the statement timeout while the lock was held%n", timeouts);
            assertThat(timeouts).isPositive();
            assertThat(p.isAlive()).isTrue();
        }
    }

    /** The last error {@code /_/status} shows for the table, or "" when it shows none. */
    private static String blockedTableError(String status, String table) throws Exception {
        for (JsonNode t : new ObjectMapper().readTree(status).path("tables")) {
            if (t.path("table").asText().equals(table)) {
                return t.path("lastError").path("message").asText("");
            }
        }
        return "";
    }
}
