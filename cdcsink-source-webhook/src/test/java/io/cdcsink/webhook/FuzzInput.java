package io.cdcsink.webhook;

import java.util.List;
import java.util.Objects;

/**
 * One hostile (or accidentally valid) HTTP request of {@link WebhookFuzzIT}.
 *
 * @param id       unique per run; rows built from this input carry the id in a marker string
 * @param category what kind of damage the generator did, for the figures
 * @param expect   what the server must answer
 * @param method   the request method, sent as is
 * @param path     the raw request target, sent as is (may be malformed on purpose)
 * @param headers  extra header lines {@code Name: value}
 * @param body     the body bytes
 * @param framing  how the body is framed on the wire
 */
record FuzzInput(int id, String category, Expect expect, String method, String path, List<String> headers,
                 byte[] body, Framing framing) {

    /** What a correct server answers. */
    enum Expect {
        /** Must be a 4xx: the input is wrong. */
        REJECT,
        /** Valid input: must be a 2xx. */
        ACCEPT,
        /**
         * A random mutation that may or may not still be valid: 2xx or 4xx, or 503 when the mutation made it name a
         * column or table the target lacks (which is valid input the target is behind on, as {@link #UNAVAILABLE});
         * never another 5xx.
         */
        EITHER,
        /** Valid input the target is behind on (a table or column it lacks): 503, so the changefeed retries. */
        UNAVAILABLE,
        /** Never taken: a 4xx, or a 503 for a name the target lacks; never 2xx, never another 5xx. */
        REFUSED
    }

    /** How the body goes on the wire. */
    enum Framing {
        /** {@code Content-Length} equal to the body. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}, properly terminated. */
        CHUNKED,
        /** Chunked, but the client stops in the middle of a chunk and half-closes. */
        CHUNKED_EARLY_EOF,
        /** {@code Content-Length} larger than the bytes sent, then a half-close. */
        SHORT_BODY
    }

    FuzzInput {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(framing, "framing");
    }

    FuzzInput(int id, String category, Expect expect, String path, byte[] body) {
        this(id, category, expect, "POST", path, List.of(), body, Framing.LENGTH);
    }
}
