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
     */
    Optional<Response> handle(String method, String path, Optional<String> accept);

    /** A response: its status code, content type and body. */
    record Response(int status, String contentType, byte[] body) {
        public Response {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }
}
