package io.cdcsink.pg;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Sockets for the replication connection whose reads gather what a moment brings. A logical walsender sends each
 * message as soon as it is decoded (pgoutput: a transaction's BEGIN, each row, its COMMIT), so a reader that takes
 * whatever has arrived reads a few hundred bytes at a time while it catches up: with one-row transactions, one
 * read per four rows and a wake-up for most reads (measured: 52,000 reads and 18,000 waits in {@code poll} for
 * 200,000 rows). Here a read that would find less than {@value #ENOUGH_BYTES} bytes waiting first naps for
 * {@link #NAP_MICROS} microseconds: then one read takes what the source sent meanwhile (measured: 6,000 reads and
 * 260 waits for the same rows, and a third less CPU on the reader's thread).
 *
 * <p>A read waits at most one nap longer than it would have, so the lag it adds is at most a millisecond, and
 * never when enough is waiting: a backlog read in full buffers does not nap. Small reads with enough waiting (a
 * TLS record's five-byte header) do not nap either. PgJDBC instantiates this class by name, through the
 * {@code socketFactory} connection property; a {@code socketFactory} in the source's URL takes precedence.
 *
 * <p>A connection to a source on this host gets a receive buffer of {@value #LOCAL_RECEIVE_BUFFER} bytes. Over
 * loopback the receiving half of TCP runs in the sending process, the source's walsender: with the default,
 * self-tuning buffer a reader that keeps up leaves the window open, so each message the walsender sends goes out as
 * a segment of its own and the walsender pays for receiving it too (1.5–1.7 times the native subscription's
 * walsender CPU per row, measured). A small buffer fills while the reader naps, so the walsender's sends join data
 * already queued. A small buffer caps a connection at buffer / round-trip time, which is nothing on one host (tens
 * of microseconds) and would be a limit across a network, so other sources keep the default. PgJDBC's
 * {@code receiveBufferSize} in the source's URL, set after the connection is made, takes precedence.
 */
public final class GatheringSocketFactory extends SocketFactory {
    /** A read that would find fewer bytes than this waiting naps first (PgJDBC reads into an 8 KiB buffer). */
    static final int ENOUGH_BYTES = 4096;
    /** How long a read that would find little waits for more. */
    static final long NAP_MICROS = 1000;
    /** The receive buffer of a connection to a source on this host, in bytes. */
    static final int LOCAL_RECEIVE_BUFFER = 32 * 1024;

    /** How a read waits; tests count the naps instead of sleeping. */
    interface Nap {
        void nap(long nanos);
    }

    private final Nap nap;

    /** The constructor PgJDBC calls. */
    public GatheringSocketFactory() {
        this(LockSupport::parkNanos);
    }

    GatheringSocketFactory(Nap nap) {
        this.nap = nap;
    }

    @Override
    public Socket createSocket() {
        return new GatheringSocket(nap);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote) throws IOException {
        Socket socket = createSocket();
        socket.connect(remote);
        return socket;
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        socket.bind(local);
        socket.connect(remote);
        return socket;
    }

    /**
     * Whether an address is this host's: a loopback address or one of its interfaces' (a connection to either goes
     * through the loopback device). Unresolved addresses are not.
     */
    static boolean onThisHost(SocketAddress endpoint) {
        if (!(endpoint instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        InetAddress address = inet.getAddress();
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** A plain socket whose input stream gathers, with a small receive buffer towards a source on this host. */
    private static final class GatheringSocket extends Socket {
        private final Nap nap;
        private InputStream in;

        GatheringSocket(Nap nap) {
            this.nap = nap;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            // Before connecting, so the window the socket announces is sized for it from the first segment.
            if (onThisHost(endpoint)) {
                setReceiveBufferSize(LOCAL_RECEIVE_BUFFER);
            }
            super.connect(endpoint, timeout);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new GatheringInput(super.getInputStream(), nap);
            }
            return in;
        }
    }

    /** Naps before a read that would find less than {@link #ENOUGH_BYTES} (or less than it asks for) waiting. */
    static final class GatheringInput extends FilterInputStream {
        private static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(NAP_MICROS);
        private final Nap nap;

        GatheringInput(InputStream in, Nap nap) {
            super(in);
            this.nap = nap;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len > 0 && in.available() < Math.min(len, ENOUGH_BYTES)) {
                nap.nap(NAP_NANOS);
            }
            return in.read(b, off, len);
        }
    }
}
