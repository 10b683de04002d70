package io.cdcsink.demo.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts one body to the changefeed endpoint as CockroachDB does: a 2xx is success, a 4xx fails the changefeed, a
 * 5xx or an I/O error is retried with growing pauses until the retry timeout.
 */
final class HttpPoster {
    private static final Duration FIRST_PAUSE = Duration.ofMillis(20);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);

    private final HttpClient client;
    private final URI uri;
    private final EmulatorConfig config;
    private final LongAdder retries;

    HttpPoster(HttpClient client, URI base, EmulatorConfig config, LongAdder retries) {
        this.client = client;
        String b = base.toString();
        this.uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + config.path());
        this.config = config;
        this.retries = retries;
    }

    URI uri() {
        return uri;
    }

    void post(String body) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        config.bearerToken().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        HttpRequest request = b.build();
        long deadline = System.nanoTime() + config.retryTimeout().toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            String failure;
            Exception cause = null;
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                int code = r.statusCode();
                if (code >= 200 && code < 300) {
                    return;
                }
                if (code < 500) {
                    throw new EmulatorException("POST " + uri + " was refused with " + code + ": "
                            + r.body().strip());
                }
                failure = code + ": " + r.body().strip();
            } catch (IOException e) {
                failure = e.toString();
                cause = e;
            }
            if (System.nanoTime() + pause.toNanos() > deadline) {
                throw new EmulatorException("POST " + uri + " still failing after " + config.retryTimeout()
                        + ": " + failure, cause);
            }
            retries.increment();
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }
}
