package io.cdcsink.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.StringJoiner;

/** Finds the caller's access token and keeps it out of logs. */
final class AccessTokens {
    static final String QUERY_PARAMETER = "access_token";
    private static final String BEARER = "Bearer ";

    private AccessTokens() {
    }

    /**
     * The token from an {@code Authorization: Bearer …} header when the header is present (any other scheme means no
     * token, and the query is then not consulted), otherwise from the {@code access_token} query parameter.
     */
    static Optional<String> find(Optional<String> authorization, Optional<String> query) {
        if (authorization.isPresent()) {
            String h = authorization.get();
            return h.startsWith(BEARER) && h.length() > BEARER.length()
                    ? Optional.of(h.substring(BEARER.length())) : Optional.empty();
        }
        if (query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.get().split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(name).equals(QUERY_PARAMETER)) {
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * True when the query asks for {@code immediate=true} (the spec's changefeed URL option: apply without staging).
     */
    static boolean immediate(Optional<String> query) {
        if (query.isEmpty()) {
            return false;
        }
        for (String pair : query.get().split("&")) {
            if (pair.equalsIgnoreCase("immediate=true")) {
                return true;
            }
        }
        return false;
    }

    /** The query without its {@code access_token} parameters, for logging. */
    static String redact(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringJoiner kept = new StringJoiner("&");
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!decode(name).equals(QUERY_PARAMETER)) {
                kept.add(pair);
            }
        }
        return kept.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
