package io.cdcsink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that accepts connections and never says a word: to a database client it is a host whose server
 * hangs, or whose packets are dropped after the handshake, without touching the network outside this machine. It
 * counts the connections it accepted, so a test can also prove that code did not connect at all.
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor;

    public SilentServer() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "silent-server-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepted.incrementAndGet();
                // Held open and unread until close(): the client waits for an answer that never comes.
                synchronized (held) {
                    held.add(s);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** A connection string for this server, as {@code --conn} takes it. */
    public String connectionString() {
        return "postgresql://postgres@127.0.0.1:" + port() + "/postgres?sslmode=disable";
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
            held.clear();
        }
    }
}
