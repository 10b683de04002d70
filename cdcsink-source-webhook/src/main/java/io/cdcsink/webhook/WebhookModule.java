package io.cdcsink.webhook;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.cdcsink.api.Source;
import io.cdcsink.core.HealthIndicator;
import java.util.Objects;

/**
 * Binds the changefeed HTTP source. {@code Pipeline}, {@code Authenticator}, {@code TargetPools} and
 * {@code PrometheusRegistry} come from other modules.
 */
public final class WebhookModule extends AbstractModule {
    private final WebhookConfig config;

    public WebhookModule(WebhookConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(WebhookConfig.class).toInstance(config);
        bind(HttpMetrics.class).in(Scopes.SINGLETON);
        bind(ChangefeedReceiver.class).in(Scopes.SINGLETON);
        bind(WebhookHandler.class).in(Scopes.SINGLETON);
        bind(WebhookServer.class).in(Scopes.SINGLETON);
        // The replicator starts and stops every bound Source.
        Multibinder.newSetBinder(binder(), Source.class).addBinding().to(WebhookServer.class);
        // /_/healthz consults these; the core's module declares the same set, this lets the server run without it.
        Multibinder.newSetBinder(binder(), HealthIndicator.class);
    }
}
