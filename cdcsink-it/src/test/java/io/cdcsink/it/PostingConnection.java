package io.cdcsink.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that posts requests encoded before the clock starts, as a benchmark's load: a
 * changefeed's webhook sink runs on the source cluster's machines, so what the benchmark spends sending is not part of
 * what it measures, yet on one 2-core host it takes its CPU from the processes measured. {@code java.net.http}
 * spent 1.1–2.8 µs per row (its selector thread, encoding each body again); writing ready bytes to a socket and
 * reading the status line and body spends a fraction of that. Replies with a {@code Content-Length} or chunked are
 * read whole; a {@code Connection: close} reply reconnects.
 */
final class PostingConnection implements AutoCloseable {
    private final URI base;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    PostingConnection(URI base) throws IOException {
        this.base = base;
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    /** The bytes of a POST of this JSON body to {@code uri}, request line and headers included. */
    static byte[] request(URI uri, String body) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + json.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(json, 0, all, head.length, json.length);
        return all;
    }

    /** Sends one request made by {@link #request} and reads its reply. */
    Http.Reply post(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP reply: " + status);
        }
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> close = value.contains("close");
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers are not used
            }
        } else if (length >= 0) {
            body.write(in.readNBytes(Math.toIntExact(length)));
        } else {
            body.write(in.readAllBytes());
            close = true;
        }
        if (close) {
            socket.close();
            connect();
        }
        return new Http.Reply(Integer.parseInt(parts[1]), body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the connection mid-reply");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
