package io.cdcsink.mysql;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The {@code sslmode} of a {@code --sourceConn} URL. */
public enum SslMode {
    /** Plain TCP. */
    DISABLE("disable"),
    /** TLS without verifying the server certificate. */
    REQUIRE("require"),
    /** TLS; the server certificate must chain to {@code sslrootcert}. */
    VERIFY_CA("verify-ca"),
    /** As {@link #VERIFY_CA} and the certificate must name the URL's host. */
    VERIFY_FULL("verify-full");

    private final String text;

    SslMode(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    static SslMode parse(String text) {
        for (SslMode mode : values()) {
            if (mode.text.equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--sourceConn: invalid sslmode \"" + text + "\"; expected one of "
                + Arrays.stream(values()).map(SslMode::text).collect(Collectors.joining(", ")));
    }
}
