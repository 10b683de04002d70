package io.cdcsink.it;

import static io.cdcsink.it.ChangefeedBodies.resolvedAt;
import static io.cdcsink.it.ChangefeedBodies.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue #30 item 4: the target database lives in a tablespace on a 32 MB tmpfs the test mounts; a filler file takes
 * every free byte while {@code cdc-sink start} runs. Posts must get 503 (never a 4xx), {@code /_/healthz} and
 * {@code /_/status} must say the target is out of space, the log must say so once (one ERROR line, not one per
 * request), nothing already applied may be damaged, and once the filler is deleted the changefeed's retries are
 * applied without a restart. Skipped, saying why, where the test may not mount a tmpfs (not root, no mount).
 */
class FullDiskIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void targetOutOfSpace() throws Exception {
        Path dir = Files.createTempDirectory("cdcsink-full-disk");
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", dir.toString()),
                "cannot mount a tmpfs on " + dir + " (needs root and mount): full-disk test skipped");
        Path filler = dir.resolve("filler");
        try {
            Path space = Files.createDirectory(dir.resolve("pg"));
            try (EmbeddedPg pg = EmbeddedPg.start()) {
                pg.exec("postgres", "CREATE TABLESPACE small LOCATION '" + space + "'",
                        "CREATE DATABASE full_disk TABLESPACE small");
                pg.exec("full_disk", "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
                Callable<Connection> target = () -> pg.dataSource("full_disk").getConnection();
                String conn = "postgresql://postgres@localhost:" + pg.port() + "/full_disk?sslmode=disable";
                FeedClient feed = new FeedClient(Duration.ofSeconds(30));
                try (CdcSinkProcess p = CdcSinkProcess.start(conn, "full-disk")) {
                    URI hook = p.uri("/full_disk/public");
                    feed.deliver(hook, rows(1, 200, 1), resolvedAt(2));
                    FeedClient.awaitRows(target, 1, 200);

                    long filled = fill(filler);
                    long full = System.nanoTime();
                    int refused = 0;
                    int status = 200;
                    String answer = "";
                    // Posts until one is refused: a page with room left may take the first ones.
                    for (int batch = 0; batch < 50 && status == 200; batch++) {
                        int from = 201 + batch * 200;
                        status = feed.send(hook, rows(from, from + 199, 3));
                        if (status != 200) {
                            refused++;
                            answer = http.send(HttpRequest.newBuilder(hook).POST(HttpRequest.BodyPublishers
                                    .ofString(rows(from, from + 199, 3))).build(), HttpResponse.BodyHandlers
                                    .ofString()).body();
                        }
                    }
                    assertThat(status).as("a post to a full target").isEqualTo(503);
                    HttpResponse<String> health = get(p, "/_/healthz");
                    String statusPage = get(p, "/_/status").body();
                    System.out.printf("FULLDISK filler %d MB; post answered %d: %s%nFULLDISK healthz %d: %s%n",
                            filled >> 20, status, answer.strip(), health.statusCode(), health.body().strip());
                    // More posts while full: refused again, and still one line in the log.
                    for (int i = 0; i < 5; i++) {
                        assertThat(feed.send(hook, rows(20_001, 20_200, 3))).isEqualTo(503);
                    }
                    long warns = p.logText().lines().filter(l -> l.contains(" ERROR ")
                            && l.contains("out of space"))
                            .count();
                    System.out.printf("FULLDISK log lines about it: %d; /_/status shows it: %b%n", warns,
                            statusPage.contains("out of space"));
                    assertThat(answer).contains("out of space");
                    assertThat(health.statusCode()).isEqualTo(503);
                    assertThat(health.body()).contains("out of space");
                    assertThat(statusPage).contains("out of space");
                    assertThat(warns).isEqualTo(1);
                    // Nothing applied before is damaged.
                    FeedClient.awaitRows(target, 1, 200);

                    Files.delete(filler);
                    long freed = System.nanoTime();
                    int last = 200 + 200 * 5;
                    for (int from = 201; from < last; from += 200) {
                        refused += feed.deliver(hook, rows(from, from + 199, 3));
                    }
                    feed.deliver(hook, resolvedAt(4));
                    FeedClient.awaitRows(target, 1, last);
                    double resumed = (System.nanoTime() - freed) / 1e9;
                    assertThat(get(p, "/_/healthz").statusCode()).isEqualTo(200);
                    System.out.printf("FULLDISK full for %.1f s, %d posts refused; space back: %d rows applied"
                                    + " %.1f s later; answers %s%n", (freed - full) / 1e9, refused, last, resumed,
                            feed.answers());
                    assertThat(feed.answers()).allMatch(a -> !a.startsWith("4"));
                    assertThat(p.isAlive()).isTrue();
                }
            }
        } finally {
            Files.deleteIfExists(filler);
            run("umount", "-l", dir.toString());
        }
    }

    private HttpResponse<String> get(CdcSinkProcess p, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(p.uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Writes the file until the filesystem is full; returns its size. */
    private static long fill(Path file) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
