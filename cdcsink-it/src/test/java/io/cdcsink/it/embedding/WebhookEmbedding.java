package io.cdcsink.it.embedding;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.webhook.WebhookConfig;
import io.cdcsink.webhook.WebhookModule;
import io.cdcsink.webhook.WebhookServer;

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
                .module(new WebhookModule(WebhookConfig.of(bindAddr)))  // the HTTP source, with /_/varz
                .disableAuthentication()                                // or keep JWTs, as cdc-sink start does
                .start();
    }

    /** The port the endpoint listens on (useful with {@code bindAddr} port 0). */
    public static int port(Replicator replicator) {
        return replicator.service(WebhookServer.class).port();
    }
}
