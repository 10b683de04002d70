package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatheringSocketFactoryTest {
    private final List<Long> naps = new ArrayList<>();
    private ServerSocket server;
    private Socket client;
    private Socket sender;
    private OutputStream out;
    private InputStream in;
    private Runnable duringNap = () -> { };

    /** Connects a socket of the factory under test to a loopback server socket; each nap runs {@link #duringNap}. */
    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new GatheringSocketFactory(nanos -> {
            naps.add(nanos);
            duringNap.run();
        }).createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        sender = server.accept();
        out = sender.getOutputStream();
        in = client.getInputStream();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        sender.close();
        server.close();
    }

    @Test
    void aReadThatWouldFindLittleNapsOnceAndTakesWhatArrivedMeanwhile() throws Exception {
        send(100);
        awaitWaiting(100);
        duringNap = () -> {
            send(3_000);
            awaitWaiting(3_100);
        };

        int read = in.read(new byte[8192], 0, 8192);

        assertThat(naps).containsExactly(GatheringSocketFactory.NAP_MICROS * 1_000);
        assertThat(read).isEqualTo(3_100);
    }

    @Test
    void aReadWithEnoughWaitingDoesNotNap() throws Exception {
        send(GatheringSocketFactory.ENOUGH_BYTES);
        awaitWaiting(GatheringSocketFactory.ENOUGH_BYTES);

        int read = in.read(new byte[8192], 0, 8192);

        assertThat(naps).isEmpty();
        assertThat(read).isEqualTo(GatheringSocketFactory.ENOUGH_BYTES);
    }

    @Test
    void aSmallReadWhoseBytesAreAllWaitingDoesNotNap() throws Exception {
        // A TLS record header is five bytes: asking for five with ten waiting must not wait for 4 KiB.
        send(10);
        awaitWaiting(10);

        byte[] header = new byte[5];
        assertThat(in.read(header, 0, 5)).isEqualTo(5);
        assertThat(in.read(header, 0, 5)).isEqualTo(5);

        assertThat(naps).isEmpty();
    }

    @Test
    void theEndOfTheStreamIsStillSeenAfterANap() throws Exception {
        sender.shutdownOutput();

        assertThat(in.read(new byte[8192], 0, 8192)).isEqualTo(-1);
        assertThat(naps).hasSize(1);
    }

    @Test
    void theBytesReadAreTheBytesSent() throws Exception {
        byte[] sent = new byte[20_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31);
        }
        out.write(sent);
        out.flush();
        sender.shutdownOutput();

        byte[] received = in.readAllBytes();

        assertThat(received).isEqualTo(sent);
    }

    @Test
    void aConnectionToThisHostGetsASmallReceiveBuffer() throws Exception {
        int usual;
        try (Socket plain = new Socket()) {
            usual = plain.getReceiveBufferSize();
        }

        // Linux reports twice what was asked for (it counts its bookkeeping); the self-tuned default starts higher.
        assertThat(client.getReceiveBufferSize()).isLessThanOrEqualTo(2 * GatheringSocketFactory.LOCAL_RECEIVE_BUFFER)
                .isLessThan(usual);
    }

    @Test
    void onlyAddressesOfThisHostAreOnThisHost() throws Exception {
        assertThat(GatheringSocketFactory.onThisHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432)))
                .isTrue();
        assertThat(GatheringSocketFactory.onThisHost(new InetSocketAddress("localhost", 5432))).isTrue();
        // An address of one of this host's interfaces, when it has one besides loopback.
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                assertThat(GatheringSocketFactory.onThisHost(new InetSocketAddress(address, 5432)))
                        .as("%s of %s", address, nic.getName()).isTrue();
            }
        }
        // TEST-NET-1 (RFC 5737), reserved for documentation: never an address of this host.
        assertThat(GatheringSocketFactory.onThisHost(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 5432)))
                .isFalse();
        assertThat(GatheringSocketFactory.onThisHost(InetSocketAddress.createUnresolved("db.example", 5432)))
                .isFalse();
    }

    @Test
    void aLargeTransferPassesTheSmallBuffer() throws Exception {
        byte[] sent = new byte[4 << 20];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 7);
        }
        Thread writer = new Thread(() -> {
            try {
                out.write(sent);
                sender.shutdownOutput();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();

        byte[] received = in.readAllBytes();
        writer.join();

        assertThat(received).isEqualTo(sent);
    }

    private void send(int bytes) {
        try {
            out.write(new byte[bytes]);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loopback delivery is asynchronous: wait until the kernel holds what was sent. */
    private void awaitWaiting(int bytes) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try {
            while (client.getInputStream().available() < bytes) {
                assertThat(System.nanoTime()).as("%d bytes waiting within 10 s", bytes).isLessThan(deadline);
                Thread.sleep(1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
