package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.FaultProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultProxy#delay} as the remote-target benchmark uses it: a latency per direction (a round trip of twice the
 * delay), which neither caps the throughput of a connection (chunks in flight overlap) nor serializes connections,
 * and a proxy that adds no delay of its own (no Nagle on its sockets). Against a local echo server.
 */
class FaultProxyLatencyTest {
    /**
     * Large enough that a loaded host's scheduling noise (tens of milliseconds) stays well inside every bound: each
     * bound sits between the correct time and the time of the fault it catches, with a delay or more to spare.
     */
    private static final long DELAY_MS = 100;
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    s.setTcpNoDelay(true);
                    Thread e = new Thread(() -> echoAll(s), "echo");
                    e.setDaemon(true);
                    e.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "echo-accept");
        t.setDaemon(true);
        t.start();
        proxy = FaultProxy.to(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void aRoundTripTakesTwiceTheDelay() throws Exception {
        proxy.delay(DELAY_MS);
        try (Socket c = client()) {
            exchange(c, 1);
            long t0 = System.nanoTime();
            exchange(c, 1);
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(ms).as("one round trip, ms").isGreaterThanOrEqualTo(2 * DELAY_MS).isLessThan(4 * DELAY_MS);
        }
    }

    @Test
    void chunksInFlightOverlap() throws Exception {
        proxy.delay(DELAY_MS);
        // 1 MiB: the proxy reads at most 16 KiB at a time, so holding each read before the next would take 64 delays
        // each way (12.8 s); overlapping, it takes about one round trip more than the transfer itself.
        byte[] sent = new byte[1 << 20];
        new java.util.Random(32).nextBytes(sent);
        try (Socket c = client()) {
            exchange(c, 1);
            long t0 = System.nanoTime();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    c.getOutputStream().write(sent);
                    c.getOutputStream().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] got = c.getInputStream().readNBytes(sent.length);
            writing.get();
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(got).as("the bytes echoed, in order").isEqualTo(sent);
            assertThat(ms).as("1 MiB through a %d ms delay each way, ms", DELAY_MS)
                    .isGreaterThanOrEqualTo(2 * DELAY_MS).isLessThan(20 * DELAY_MS);
        }
    }

    @Test
    void connectionsAreDelayedIndependently() throws Exception {
        proxy.delay(DELAY_MS);
        List<Socket> sockets = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 4; i++) {
                sockets.add(client());
            }
            // Warmed up: the threads of the echo server, the proxy and the pool are started.
            at(pool, sockets).get();
            long t0 = System.nanoTime();
            at(pool, sockets).get();
            double ms = (System.nanoTime() - t0) / 1e6;
            // Independent: one round trip (2 delays); one connection after another: 4 round trips (8 delays).
            assertThat(ms).as("four connections' round trips at once, ms").isLessThan(5 * DELAY_MS);
        } finally {
            pool.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void passingAddsNoDelayToSmallExchanges() throws Exception {
        try (Socket c = client()) {
            exchange(c, 5);
            long t0 = System.nanoTime();
            // Two small writes then a read: the pattern Nagle and a delayed ACK turn into a 40 ms stall.
            for (int i = 0; i < 20; i++) {
                exchange(c, 2);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            // A 40 ms stall per exchange would take 800 ms.
            assertThat(ms).as("20 two-write exchanges without delay, ms").isLessThan(400);
        }
    }

    /** One exchange on every socket at once. */
    private static CompletableFuture<Void> at(java.util.concurrent.ExecutorService pool, List<Socket> sockets) {
        return CompletableFuture.allOf(sockets.stream()
                .map(s -> CompletableFuture.runAsync(() -> exchangeUnchecked(s), pool))
                .toArray(CompletableFuture[]::new));
    }

    private Socket client() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setTcpNoDelay(true);
        return s;
    }

    /** Writes {@code writes} single bytes one by one, then reads them back. */
    private static void exchange(Socket c, int writes) throws IOException {
        OutputStream out = c.getOutputStream();
        for (int i = 0; i < writes; i++) {
            out.write(i);
            out.flush();
        }
        InputStream in = c.getInputStream();
        for (int i = 0; i < writes; i++) {
            assertThat(in.read()).isEqualTo(i);
        }
    }

    private static void exchangeUnchecked(Socket c) {
        try {
            exchange(c, 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void echoAll(Socket s) {
        byte[] buf = new byte[1024];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // the test ended
        }
    }
}
