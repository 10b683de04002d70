package io.cdcsink.demo.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cdcsink.api.Hlc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator against a small in-process HTTP server that records what arrives, in arrival order. */
class ChangefeedEmulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Received(String path, String authorization, JsonNode body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private volatile int refuseWith;
    private HttpServer server;
    private ExecutorService executor;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        int code = 200;
        if (failFirst.getAndDecrement() > 0) {
            code = 503;
        } else if (refuseWith != 0) {
            code = refuseWith;
        } else {
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
                    JSON.readTree(body)));
        }
        byte[] reply = (code == 200 ? "OK\n" : "nope\n").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, reply.length);
        ex.getResponseBody().write(reply);
        ex.close();
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static EmulatorConfig config() {
        return EmulatorConfig.to("/db/public").withResolvedInterval(Duration.ofMillis(10)).withBatchSize(4)
                .withRetryTimeout(Duration.ofSeconds(60));
    }

    @Test
    void noMessageAtOrBeforeAResolvedTimestampArrivesAfterIt() throws Exception {
        List<SourceTransaction> txs = Transactions.random(11, 100, 40);
        EmulatorConfig config = config().withNodes(3).withShuffle(true).withDuplicateProbability(0.3).withSenders(4);
        EmulatorStats stats;
        try (ChangefeedEmulator e = new ChangefeedEmulator(base(), config)) {
            stats = e.deliver(txs, Duration.ofSeconds(60));
        }
        Hlc resolved = Hlc.ZERO;
        int resolvedPosts = 0;
        Set<String> seen = new HashSet<>();
        int messages = 0;
        for (Received r : received) {
            assertThat(r.path()).isEqualTo("/db/public");
            if (r.body().has("resolved")) {
                Hlc next = Hlc.parse(r.body().get("resolved").asText());
                assertThat(next).as("resolved timestamps never go back").isGreaterThanOrEqualTo(resolved);
                resolved = next;
                resolvedPosts++;
                continue;
            }
            JsonNode payload = r.body().get("payload");
            assertThat(r.body().get("length").asInt()).isEqualTo(payload.size());
            for (JsonNode m : payload) {
                messages++;
                Hlc updated = Hlc.parse(m.get("updated").asText());
                assertThat(updated).as("message after resolved %s", resolved).isGreaterThan(resolved);
                assertThat(m.get("topic").asText()).isEqualTo("t");
                assertThat(m.has("after")).isTrue();
                seen.add(m.get("updated").asText() + m.get("key") + m.get("after"));
            }
        }
        assertThat(resolved).isEqualTo(txs.get(txs.size() - 1).commit());
        assertThat(resolvedPosts).as("each of 3 nodes posts each of 10 windows' resolved").isEqualTo(30);
        List<String> expected = new ArrayList<>();
        txs.forEach(tx -> tx.changes().forEach(c -> expected.add(tx.commit() + c.key()
                + c.after().map(a -> {
                    try {
                        return JSON.readTree(a).toString();
                    } catch (IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                }).orElse("null"))));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(new HashSet<>(expected));
        assertThat(stats.messages()).isEqualTo(messages);
        assertThat(stats.duplicateBatches()).isPositive();
        assertThat(stats.transactions()).isEqualTo(100);
        assertThat(stats.resolved()).contains(resolved);
    }

    @Test
    void deletesCarryANullAfter() throws Exception {
        try (ChangefeedEmulator e = new ChangefeedEmulator(base(), config())) {
            e.deliver(List.of(new SourceTransaction(new Hlc(5, 0), List.of(RowChange.delete("db.public.t", "[1]")))),
                    Duration.ofSeconds(60));
        }
        JsonNode m = received.get(0).body().get("payload").get(0);
        assertThat(m.get("after").isNull()).isTrue();
        assertThat(m.get("key").toString()).isEqualTo("[1]");
        assertThat(m.get("topic").asText()).isEqualTo("db.public.t");
        assertThat(m.get("updated").asText()).isEqualTo("5.0000000000");
        assertThat(received.get(1).body().get("resolved").asText()).isEqualTo("5.0000000000");
    }

    @Test
    void serverErrorsAreRetriedAndTheTokenIsSent() throws Exception {
        failFirst.set(3);
        List<SourceTransaction> txs = Transactions.random(4, 20, 10);
        EmulatorStats stats;
        try (ChangefeedEmulator e = new ChangefeedEmulator(base(), config().withSenders(1).withBearerToken("tok"))) {
            stats = e.deliver(txs, Duration.ofSeconds(60));
        }
        assertThat(stats.retries()).isEqualTo(3);
        assertThat(received).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer tok"));
        assertThat(stats.resolved()).contains(txs.get(19).commit());
    }

    @Test
    void aRefusedRequestFailsTheEmulator() throws Exception {
        refuseWith = 400;
        try (ChangefeedEmulator e = new ChangefeedEmulator(base(), config())) {
            assertThatThrownBy(() -> e.deliver(Transactions.random(4, 5, 10), Duration.ofSeconds(60)))
                    .isInstanceOf(EmulatorException.class).hasMessageContaining("refused with 400: nope");
            assertThat(e.failure()).isPresent();
            assertThatThrownBy(() -> e.submit(Transactions.random(5, 1, 1).get(0)))
                    .isInstanceOf(EmulatorException.class);
        }
    }

    @Test
    void fedLiveAQuietSourceStillGetsItsResolvedTimestamp() throws Exception {
        try (ChangefeedEmulator e = new ChangefeedEmulator(base(),
                config().withResolvedInterval(Duration.ofMillis(100)))) {
            Hlc commit = new Hlc(System.currentTimeMillis() * 1_000_000L, 0);
            e.submit(new SourceTransaction(commit, List.of(RowChange.upsert("t", "[1]", "{\"k\":1}"))));
            assertThatThrownBy(() -> e.submit(new SourceTransaction(commit,
                    List.of(RowChange.delete("t", "[1]"))))).hasMessageContaining("not after");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (e.stats().resolved().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(e.stats().resolved()).contains(commit);
        }
    }
}
