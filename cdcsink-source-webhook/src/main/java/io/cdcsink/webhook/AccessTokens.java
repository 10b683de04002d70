package io.cdcsink.webhook;

import io.cdcsink.api.AdminRoutes;
import java.util.Optional;
import java.util.StringJoiner;

/** Finds the caller's access token and keeps it out of logs. */
final class AccessTokens {
    static final String QUERY_PARAMETER = "access_token";

    private AccessTokens() {
    }

    /**
     * The token from an {@code Authorization: Bearer …} header when the header is present (any other scheme means no
     * token, and the query is then not consulted), otherwise from the {@code access_token} query parameter.
     */
    static Optional<String> find(Optional<String> authorization, Optional<String> query) {
        return AdminRoutes.token(authorization, query);
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
        return AdminRoutes.decoded(s);
    }
}
