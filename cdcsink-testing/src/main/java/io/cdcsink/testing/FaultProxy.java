package io.cdcsink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on localhost that a test puts between cdc-sink and a database (or between a sender and cdc-sink) to
 * inject network faults without root, network namespaces or {@code tc}: one thread per direction of each connection.
 * The mode applies at once to every connection, old and new:
 *
 * <ul>
 *   <li>{@link Mode#PASS}: bytes are forwarded;
 *   <li>{@link Mode#DELAY}: each chunk is forwarded {@link #delay(long)} ms after it arrived, in each direction (so
 *       a round trip takes twice the delay): a latency, not a bandwidth cap; chunks in flight overlap, as on a long
 *       link, and each connection is delayed independently of the others;
 *   <li>{@link Mode#BLACKHOLE}: connections stay open and are accepted, but every byte is silently dropped, in both
 *       directions, with no reset and no FIN: the peer sees a network that went quiet;
 *   <li>{@link Mode#HALF_OPEN}: as a host that rebooted behind a NAT: nothing forwarded, nothing answered, and the
 *       proxy forgets the upstream side (closes it), so that only the client's side of each connection lives on.
 * </ul>
 *
 * {@link #resetAll()} closes every connection with a TCP reset (SO_LINGER 0) on both sides, once.
 */
public final class FaultProxy implements AutoCloseable {
    /** What happens to bytes in flight. */
    public enum Mode { PASS, DELAY, BLACKHOLE, HALF_OPEN }

    private final ServerSocket server;
    /** Where connections go: each new one to the next that accepts it, round robin. */
    private final List<InetSocketAddress> upstreams;
    private final AtomicLong next = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicLongArray opened;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, List<InetSocketAddress> upstreams) {
        this.server = server;
        this.upstreams = upstreams;
        this.opened = new java.util.concurrent.atomic.AtomicLongArray(upstreams.size());
    }

    /** How many connections went to each upstream, in the order given. */
    public List<Long> openedPerUpstream() {
        List<Long> out = new java.util.ArrayList<>();
        for (int i = 0; i < opened.length(); i++) {
            out.add(opened.get(i));
        }
        return out;
    }

    /** A proxy on a free localhost port forwarding to {@code 127.0.0.1:upstreamPort}. */
    public static FaultProxy to(int upstreamPort) {
        return toAny(upstreamPort);
    }

    /**
     * A proxy on a free localhost port spreading connections over several local ports, round robin; a port that
     * refuses a connection (its server is down) is skipped. A load balancer in front of several instances.
     */
    public static FaultProxy toAny(int... upstreamPorts) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            List<InetSocketAddress> upstreams = java.util.Arrays.stream(upstreamPorts)
                    .mapToObj(port -> new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).toList();
            FaultProxy proxy = new FaultProxy(server, upstreams);
            proxy.spawn("fault-proxy-accept-" + server.getLocalPort(), proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public Mode mode() {
        return mode;
    }

    /** Bytes forwarded normally again; connections the blackhole kept stay as they are (their bytes are lost). */
    public void pass() {
        mode = Mode.PASS;
    }

    /** Every chunk forwarded {@code millis} after it arrived, in each direction: a round trip of twice that. */
    public void delay(long millis) {
        delayMillis = millis;
        mode = Mode.DELAY;
    }

    /** Bytes silently dropped in both directions; no reset, no FIN. */
    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** The upstream side of every connection is gone; the client side stays open and hears nothing. */
    public void halfOpen() {
        mode = Mode.HALF_OPEN;
        for (Pair p : pairs) {
            closeQuietly(p.upstream);
        }
    }

    /** Every open connection is reset on both sides; new connections are accepted as the mode says. */
    public void resetAll() {
        for (Pair p : pairs) {
            p.reset();
        }
        pairs.clear();
    }

    /** Connections currently open through the proxy. */
    public int connections() {
        return pairs.size();
    }

    /** Bytes the blackhole and half-open modes dropped so far. */
    public long dropped() {
        return dropped.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.HALF_OPEN) {
                // The host behind is gone: the connection is accepted (by a NAT or a load balancer, say) and
                // then nothing ever answers.
                Pair p = new Pair(client, new Socket());
                pairs.add(p);
                spawn("fault-proxy-sink", () -> pump(client, null, p));
                continue;
            }
            Socket up;
            try {
                up = connectToNext();
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            try {
                // The proxy forwards chunks as they come: Nagle's algorithm on its own sockets would hold a small
                // chunk until the previous one is acknowledged, and with the peer's delayed acknowledgement add up
                // to 40 ms that no real network between the two ends would (the drivers set TCP_NODELAY too).
                client.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
            } catch (SocketException e) {
                closeQuietly(client);
                closeQuietly(up);
                continue;
            }
            Pair p = new Pair(client, up);
            pairs.add(p);
            spawn("fault-proxy-up", () -> pump(client, up, p));
            spawn("fault-proxy-down", () -> pump(up, client, p));
        }
    }

    /** A connection to the next upstream that accepts one, trying each once. */
    private Socket connectToNext() throws IOException {
        IOException last = null;
        for (int i = 0; i < upstreams.size(); i++) {
            Socket up = new Socket();
            int at = (int) (next.getAndIncrement() % upstreams.size());
            try {
                up.connect(upstreams.get(at), 5_000);
                opened.incrementAndGet(at);
                return up;
            } catch (IOException e) {
                closeQuietly(up);
                last = e;
            }
        }
        throw last;
    }

    private void pump(Socket from, Socket to, Pair pair) {
        byte[] buf = new byte[16 * 1024];
        Delayed delayed = null;
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                Mode now = mode;
                if (now == Mode.BLACKHOLE || now == Mode.HALF_OPEN || out == null) {
                    dropped.addAndGet(n);
                    continue;
                }
                if (now == Mode.DELAY || delayed != null) {
                    // Sleeping here would also hold every chunk behind this one: a queue and a thread that writes
                    // each chunk when it is due keep the link's latency without capping its throughput. Once a
                    // direction has been delayed it stays queued, so that a later chunk never overtakes one in flight.
                    if (delayed == null) {
                        delayed = new Delayed(to, out, pair);
                        spawn("fault-proxy-delay", delayed::forward);
                    }
                    long due = System.nanoTime() + (now == Mode.DELAY ? delayMillis * 1_000_000 : 0);
                    delayed.chunks.put(new Chunk(due, java.util.Arrays.copyOf(buf, n)));
                    continue;
                }
                out.write(buf, 0, n);
                out.flush();
            }
            if (delayed != null) {
                delayed.chunks.put(Chunk.END);
                return;
            }
            // An orderly close (FIN) from one side is passed on as a half-close, unless the network is gone.
            if (to != null && mode != Mode.BLACKHOLE && mode != Mode.HALF_OPEN && !to.isClosed()) {
                to.shutdownOutput();
            }
        } catch (IOException e) {
            if (delayed != null) {
                delayed.chunks.offer(Chunk.ABORT);
            }
            // A reset or close on one side: the other side gets the same, unless the network is gone.
            if (mode != Mode.BLACKHOLE && mode != Mode.HALF_OPEN) {
                pair.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (from.isClosed() && (to == null || to.isClosed())) {
                pairs.remove(pair);
            }
        }
    }

    /** A chunk of bytes and when it is due upstream or downstream; {@link #END} stands for the sender's FIN. */
    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
        /** The reading side failed (a reset, a close): nothing more comes, and the sockets are being closed. */
        static final Chunk ABORT = new Chunk(0, new byte[0]);
    }

    /** The writing half of a delayed direction: forwards each queued chunk when it is due, in order. */
    private final class Delayed {
        final java.util.concurrent.BlockingQueue<Chunk> chunks = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Socket to;
        private final OutputStream out;
        private final Pair pair;

        Delayed(Socket to, OutputStream out, Pair pair) {
            this.to = to;
            this.out = out;
            this.pair = pair;
        }

        void forward() {
            try {
                while (true) {
                    Chunk c = chunks.take();
                    if (c == Chunk.ABORT) {
                        return;
                    }
                    if (c == Chunk.END) {
                        if (mode != Mode.BLACKHOLE && mode != Mode.HALF_OPEN && !to.isClosed()) {
                            to.shutdownOutput();
                        }
                        return;
                    }
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    Mode now = mode;
                    if (now == Mode.BLACKHOLE || now == Mode.HALF_OPEN) {
                        dropped.addAndGet(c.bytes().length);
                        continue;
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException e) {
                if (mode != Mode.BLACKHOLE && mode != Mode.HALF_OPEN) {
                    pair.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void spawn(String name, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        resetAll();
        threads.forEach(Thread::interrupt);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all that is wanted
        }
    }

    /** Both sockets of one proxied connection. */
    private record Pair(Socket client, Socket upstream) {
        void reset() {
            for (Socket s : List.of(client, upstream)) {
                try {
                    s.setSoLinger(true, 0); // close() then sends RST instead of FIN
                } catch (SocketException ignored) {
                    // already closed
                }
                closeQuietly(s);
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
