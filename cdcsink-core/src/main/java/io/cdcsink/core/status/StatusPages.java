package io.cdcsink.core.status;

import io.cdcsink.api.AdminRoutes.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The bytes of the status routes, served among the replicator's routes
 * ({@link io.cdcsink.core.admin.ReplicatorRoutes}): {@code /_/status} (JSON) and {@code /_/} or
 * {@code /_/index.html} (a self-contained HTML page polling {@code /_/status}). Neither needs a token, so neither shows anything secret.
 */
public final class StatusPages {
    static final String STATUS = "/_/status";
    private static final String PAGE_RESOURCE = "status.html";

    private final ReplicationStatus status;
    private final StatusJson json = new StatusJson();
    private final byte[] page;

    @Inject
    public StatusPages(ReplicationStatus status) {
        this.status = status;
        try (InputStream in = StatusPages.class.getResourceAsStream(PAGE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the status page resource " + PAGE_RESOURCE + " is missing");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What waits for the operator now ({@link ReplicationStatus#blocked()}). */
    public java.util.List<StatusSnapshot.BlockedView> blocked() {
        return status.blocked();
    }

    /** The response for a path, or empty when the path is not a status route; row keys and values shown. */
    public Optional<Response> get(String path) {
        return get(path, schema -> true);
    }

    /**
     * The response for a path, or empty when the path is not a status route; row keys and values only of the schemas
     * {@code mayRead} accepts ({@link StatusJson#render(StatusSnapshot, java.util.function.Predicate)}).
     */
    public Optional<Response> get(String path, java.util.function.Predicate<io.cdcsink.api.SchemaName> mayRead) {
        return switch (path) {
            case STATUS -> Optional.of(new Response(200, "application/json",
                    json.render(status.snapshot(), mayRead)));
            case "/_/", "/_/index.html" -> Optional.of(new Response(200, "text/html; charset=utf-8", page));
            default -> Optional.empty();
        };
    }
}
