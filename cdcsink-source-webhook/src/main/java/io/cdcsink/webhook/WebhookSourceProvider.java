package io.cdcsink.webhook;

import io.cdcsink.api.AdminRoutes;
import io.cdcsink.api.Authenticator;
import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The {@code webhook} source: the CockroachDB changefeed endpoint of {@code cdc-sink start}, an HTTP(S) server that
 * takes webhook and ndjson changefeed requests and serves the replicator's {@code /_/} routes beside them. Options
 * ({@link WebhookConfig#OPTIONS}): {@code bindAddr}, {@code maxBodyBytes}, {@code tlsCertificate},
 * {@code tlsPrivateKey}, {@code tlsSelfSigned}, as the flags of {@code start}.
 */
public final class WebhookSourceProvider implements SourceProvider {
    public static final String NAME = "webhook";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        WebhookConfig config = WebhookConfig.fromOptions(Options.of(context.options()));
        ChangefeedReceiver receiver = new ChangefeedReceiver(context.pipeline(),
                context.service(Authenticator.class));
        HttpMetrics metrics = new HttpMetrics(context.service(PrometheusRegistry.class));
        return new WebhookServer(config, new WebhookHandler(config, receiver, metrics,
                context.service(AdminRoutes.class)));
    }
}
