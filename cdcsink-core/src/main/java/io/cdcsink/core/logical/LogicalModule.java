package io.cdcsink.core.logical;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.Source;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.core.HealthIndicator;
import io.cdcsink.core.MetricsServer;
import io.cdcsink.core.status.StatusPages;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a {@link LogicalDialect} with the shared replication loop, and the {@code --metricsAddr} server when an
 * address is given.
 */
public final class LogicalModule extends AbstractModule {
    private final LogicalDialect dialect;
    private final LogicalConfig config;
    private final Optional<String> metricsAddr;

    public LogicalModule(LogicalDialect dialect, LogicalConfig config, Optional<String> metricsAddr) {
        this.dialect = dialect;
        this.config = config;
        this.metricsAddr = metricsAddr;
    }

    @Override
    protected void configure() {
        bind(LogicalDialect.class).toInstance(dialect);
        bind(LogicalConfig.class).toInstance(config);
        bind(LogicalLoop.class).asEagerSingleton();
        Multibinder<Source> sources = Multibinder.newSetBinder(binder(), Source.class);
        if (metricsAddr.isPresent()) {
            sources.addBinding().to(MetricsServer.class);
        }
        sources.addBinding().to(LogicalLoop.class);
        Multibinder.newSetBinder(binder(), HealthIndicator.class).addBinding().to(LogicalLoop.class);
    }

    @Provides
    @Singleton
    MetricsServer metricsServer(PrometheusRegistry registry, TargetPools pools, Set<HealthIndicator> indicators,
                                StatusPages pages) {
        return new MetricsServer(metricsAddr.orElse("127.0.0.1:0"), registry, pools, indicators, pages);
    }
}
