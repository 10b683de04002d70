package io.cdcsink.webhook;

import java.util.Optional;

/**
 * Where the HTTP server listens, in the {@code --bindAddr} form: {@code :26258} (every interface),
 * {@code host:port} or {@code [v6-address]:port}.
 *
 * @param host the interface to bind, empty for every interface
 * @param port the TCP port; 0 picks a free one (tests)
 */
public record BindAddress(Optional<String> host, int port) {
    public BindAddress {
        if (host == null) {
            throw new IllegalArgumentException("--bindAddr: host must not be null");
        }
        if (host.isPresent() && host.get().isBlank()) {
            host = Optional.empty();
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--bindAddr: port " + port + " is not between 0 and 65535");
        }
    }

    /**
     * Parses the flag value.
     *
     * @throws IllegalArgumentException naming {@code --bindAddr} and the accepted forms
     */
    public static BindAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "it is empty");
        }
        String value = text.strip();
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(text, "the port is missing");
        }
        String hostPart = value.substring(0, colon);
        String portPart = value.substring(colon + 1);
        if (hostPart.startsWith("[")) {
            if (!hostPart.endsWith("]") || hostPart.length() < 3) {
                throw invalid(text, "an IPv6 address must be written as [address]");
            }
            hostPart = hostPart.substring(1, hostPart.length() - 1);
        } else if (hostPart.indexOf(':') >= 0) {
            throw invalid(text, "an IPv6 address must be written as [address]");
        }
        int port;
        try {
            port = Integer.parseInt(portPart);
        } catch (NumberFormatException e) {
            throw invalid(text, "the port \"" + portPart + "\" is not a number");
        }
        if (port < 0 || port > 65535) {
            throw invalid(text, "the port " + port + " is not between 0 and 65535");
        }
        return new BindAddress(hostPart.isEmpty() ? Optional.empty() : Optional.of(hostPart), port);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("--bindAddr \"" + text + "\" is invalid: " + why
                + " (expected :port, host:port or [ipv6]:port)");
    }

    @Override
    public String toString() {
        String h = host.map(x -> x.indexOf(':') >= 0 ? "[" + x + "]" : x).orElse("");
        return h + ":" + port;
    }
}
