package io.cdcsink.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The replicator's own HTTP routes under {@code /_/}: {@code /_/healthz}, {@code /_/varz} (Prometheus),
 * {@code /_/status} and the status page, {@code /_/config/apply}. A source that runs an HTTP server (the changefeed
 * endpoint) serves them too, through this, so that operators find them on every port cdc-sink listens on. Available
 * from {@link SourceContext#service}.
 */
public interface AdminRoutes {
    /** The path prefix of every route. */
    String PREFIX = "/_/";

    /**
     * The response for a request, or empty when the path is not one of these routes (the caller then answers 404 for
     * anything under {@link #PREFIX}).
     *
     * @param method the HTTP method
     * @param path   the request path, e.g. {@code /_/healthz}
     * @param accept the {@code Accept} header, which picks the metrics format
     * @param token  the caller's access token ({@link #token}): {@code /_/status} and {@code /_/healthz} show row keys
     *               and values only to a caller the authenticator lets write to their schema
     */
    Optional<Response> handle(String method, String path, Optional<String> accept, Optional<String> token);

    /** {@link #handle(String, String, Optional, Optional)} for a caller without a token. */
    default Optional<Response> handle(String method, String path, Optional<String> accept) {
        return handle(method, path, accept, Optional.empty());
    }

    /**
     * The caller's access token: from an {@code Authorization: Bearer ...} header when the header is present (any
     * other scheme means no token, and the query is then not consulted), otherwise from the {@code access_token}
     * query parameter.
     */
    static Optional<String> token(Optional<String> authorization, Optional<String> query) {
        String bearer = "Bearer ";
        if (authorization.isPresent()) {
            String h = authorization.get();
            return h.startsWith(bearer) && h.length() > bearer.length()
                    ? Optional.of(h.substring(bearer.length())) : Optional.empty();
        }
        if (query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.get().split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (decoded(name).equals("access_token")) {
                String value = eq < 0 ? "" : decoded(pair.substring(eq + 1));
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** A URL-encoded query part, decoded; as it is when it is not valid. */
    static String decoded(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** A response: its status code, content type and body. */
    record Response(int status, String contentType, byte[] body) {
        public Response {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }
}
