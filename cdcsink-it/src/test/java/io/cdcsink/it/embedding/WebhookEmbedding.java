package io.cdcsink.it.embedding;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.webhook.WebhookServer;
import java.util.Map;

/** docs/embedding.md, "The changefeed endpoint": {@code cdc-sink start} inside an application. */
public final class WebhookEmbedding {
    private WebhookEmbedding() {
    }

    /**
     * Receives CockroachDB changefeeds on {@code bindAddr} (as {@code --bindAddr}, e.g. {@code ":26258"}) and applies
     * them to the target in consistent mode. The caller closes the replicator.
     */
    public static Replicator start(String targetConnection, String bindAddr) throws Exception {
        return Replicator.builder()
                .target(TargetConfig.of(targetConnection))              // --conn, pool of 32, consistent mode
                .source("webhook", Map.of("bindAddr", bindAddr))        // the HTTP source, with /_/varz
                .disableAuthentication()                                // or keep JWTs, as cdc-sink start does
                .start();
    }

    /** The port the endpoint listens on (useful with {@code bindAddr} port 0). */
    public static int port(Replicator replicator) {
        return replicator.source(WebhookServer.class).port();
    }
}
