package io.cdcsink.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A deliberately naive HTTP/1.1 client over a plain socket: sends exactly the bytes of a {@link FuzzInput} (paths and
 * framings no real client would produce) and reads the status line and the start of the answer.
 */
final class RawHttp {
    /**
     * The status code, or {@link #NO_RESPONSE} when the server closed without answering, {@link #TIMEOUT} on timeout;
     * and the first {@value #MAX_BODY} bytes of the body (empty without an answer).
     */
    record Answer(int status, long nanos, String body) {
    }

    static final int MAX_BODY = 8192;

    static final int NO_RESPONSE = -1;
    static final int TIMEOUT = -2;

    private final int port;
    private final Duration timeout;

    RawHttp(int port, Duration timeout) {
        this.port = port;
        this.timeout = timeout;
    }

    Answer send(FuzzInput in) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                out.write(head(in));
                body(in, out);
                out.flush();
                if (in.framing() == FuzzInput.Framing.CHUNKED_EARLY_EOF
                        || in.framing() == FuzzInput.Framing.SHORT_BODY) {
                    s.shutdownOutput();
                }
            } catch (IOException refusedMidway) {
                // The server may answer (413) and close before the whole body is written: read what it said.
            }
            int status;
            try {
                status = status(s.getInputStream());
            } catch (SocketTimeoutException e) {
                return new Answer(TIMEOUT, System.nanoTime() - start, "");
            } catch (IOException reset) {
                return new Answer(NO_RESPONSE, System.nanoTime() - start, "");
            }
            long took = System.nanoTime() - start;
            return new Answer(status, took, status == NO_RESPONSE ? "" : body(s.getInputStream()));
        }
    }

    private static byte[] head(FuzzInput in) {
        StringBuilder sb = new StringBuilder();
        sb.append(in.method()).append(' ').append(in.path()).append(" HTTP/1.1\r\n");
        sb.append("Host: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : in.headers()) {
            sb.append(h).append("\r\n");
        }
        switch (in.framing()) {
            case LENGTH -> sb.append("Content-Length: ").append(in.body().length).append("\r\n");
            case SHORT_BODY -> sb.append("Content-Length: ").append(in.body().length + 1000).append("\r\n");
            case CHUNKED, CHUNKED_EARLY_EOF -> sb.append("Transfer-Encoding: chunked\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void body(FuzzInput in, OutputStream out) throws IOException {
        byte[] b = in.body();
        switch (in.framing()) {
            case LENGTH, SHORT_BODY -> out.write(b);
            case CHUNKED -> {
                for (int off = 0; off < b.length; off += 4096) {
                    int n = Math.min(4096, b.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(b, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            case CHUNKED_EARLY_EOF -> {
                // Announce the whole body as one chunk, send half of it and stop.
                out.write((Integer.toHexString(Math.max(b.length, 2)) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b, 0, b.length / 2);
            }
        }
    }

    /** What follows the status line up to {@link #MAX_BODY} bytes, after the headers; empty if it cannot be read. */
    private static String body(InputStream in) {
        byte[] rest;
        try {
            rest = in.readNBytes(MAX_BODY);
        } catch (IOException cutShort) {
            return "";
        }
        String text = new String(rest, StandardCharsets.UTF_8);
        int headersEnd = text.indexOf("\r\n\r\n");
        return headersEnd < 0 ? "" : text.substring(headersEnd + 4);
    }

    private static int status(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.write(c);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1).trim();
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            return NO_RESPONSE;
        }
        return Integer.parseInt(text.substring(9, 12));
    }
}
