package io.cdcsink.webhook;

import io.cdcsink.api.AdminRoutes;
import java.util.Optional;
import java.util.StringJoiner;

/** Keeps the caller's access token out of logs ({@link AdminRoutes#token} finds it), and reads the URL's options. */
final class AccessTokens {
    static final String QUERY_PARAMETER = "access_token";

    private AccessTokens() {
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
