package io.cdcsink.it;

import static io.cdcsink.it.ChangefeedBodies.resolvedAt;
import static io.cdcsink.it.ChangefeedBodies.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Issue #30 item 8: cdc-sink's staging schema, then the whole target database, dropped and created again while
 * {@code cdc-sink start} runs. The changefeed keeps posting (retrying what is refused, as a changefeed does): no
 * answer may be a 4xx, cdc-sink creates its tables again by itself, and every row posted after the loss arrives
 * with its value, without a restart.
 */
class MetadataLossIT {
    @Test
    void stagingSchemaAndDatabaseDroppedWhileRunning() throws Exception {
        EmbeddedPg pg = EmbeddedPg.shared();
        String db = pg.freshDatabase("metaloss");
        pg.exec(db, "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
        Callable<Connection> target = () -> pg.dataSource(db).getConnection();
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
        FeedClient feed = new FeedClient(Duration.ofSeconds(30));
        try (CdcSinkProcess p = CdcSinkProcess.start(conn, "metadata-loss")) {
            URI hook = p.uri("/" + db + "/public");
            feed.deliver(hook, rows(1, 50, 1), resolvedAt(2));
            FeedClient.awaitRows(target, 1, 50);
            feed.clear();

            // 1. The staging schema goes, with every staged batch and resolved timestamp in it.
            pg.exec(db, "DROP SCHEMA _cdc_sink CASCADE");
            long lost = System.nanoTime();
            feed.deliver(hook, rows(51, 100, 3), resolvedAt(4));
            FeedClient.awaitRows(target, 1, 100);
            double schemaHeal = (System.nanoTime() - lost) / 1e9;
            List<String> schemaAnswers = feed.answers();
            feed.clear();

            // 2. The whole database goes and an empty one of the same name takes its place, its table recreated.
            pg.exec("postgres", "DROP DATABASE \"" + db + "\" WITH (FORCE)");
            long dropped = System.nanoTime();
            // The first posts find their pooled connections terminated, the next one a database that is not there.
            for (int i = 0; i < 3; i++) {
                assertThat(feed.send(hook, rows(500, 500, 5))).as("a post while the database is gone")
                        .isEqualTo(503);
            }
            List<String> gapAnswers = feed.answers();
            feed.clear();
            pg.exec("postgres", "CREATE DATABASE \"" + db + "\"");
            pg.exec(db, "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
            long recreated = System.nanoTime();
            feed.deliver(hook, rows(101, 150, 5), resolvedAt(6));
            FeedClient.awaitRows(target, 101, 150);
            double databaseHeal = (System.nanoTime() - recreated) / 1e9;

            System.out.printf("METALOSS staging schema dropped: answers %s, rows applied %.1f s after the drop%n",
                    schemaAnswers, schemaHeal);
            System.out.printf("METALOSS database dropped: answers while missing %s (%.1f s); recreated: answers %s,"
                    + " rows applied %.1f s after it was back%n", gapAnswers, (recreated - dropped) / 1e9,
                    feed.answers(), databaseHeal);
            assertThat(schemaAnswers).allMatch(s -> s.equals("200") || s.equals("503"));
            assertThat(feed.answers()).allMatch(s -> s.equals("200") || s.equals("503"));
            assertThat(p.isAlive()).isTrue();
            assertThat(p.logText()).contains("creating them again on next use");
        }
    }
}
