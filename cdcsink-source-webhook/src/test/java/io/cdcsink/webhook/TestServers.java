package io.cdcsink.webhook;

import io.cdcsink.api.Authenticator;
import io.cdcsink.api.Pipeline;
import io.cdcsink.core.admin.ReplicatorRoutes;
import io.cdcsink.core.status.ReplicationStatus;
import io.cdcsink.core.status.StatusPages;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.TargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A webhook server put together as {@link WebhookSourceProvider} does, around test doubles of the pipeline and the
 * target pools and the replicator's real {@code /_/} routes.
 */
final class TestServers {
    private TestServers() {
    }

    static WebhookServer started(WebhookConfig config, Pipeline pipeline, Authenticator auth, TargetPools pools)
            throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        ReplicatorRoutes routes = new ReplicatorRoutes(pools, registry, ApplyConfigs.NONE,
                new StatusPages(new ReplicationStatus()));
        routes.started();
        WebhookServer server = new WebhookServer(config, new WebhookHandler(config,
                new ChangefeedReceiver(pipeline, auth), new HttpMetrics(registry), routes));
        server.start();
        return server;
    }
}
