package io.cdcsink.webhook;

import java.nio.charset.StandardCharsets;

/** A complete HTTP response, computed before anything is written. */
record Reply(int status, String contentType, byte[] body) {
    static final String TEXT = "text/plain; charset=utf-8";

    static Reply text(int status, String message) {
        String m = message == null || message.isEmpty() ? "error" : message;
        return new Reply(status, TEXT, (m.endsWith("\n") ? m : m + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static Reply ok() {
        return text(200, "OK");
    }
}
