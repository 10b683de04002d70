package io.cdcsink.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.Reloadable;
import io.cdcsink.api.Source;
import io.cdcsink.api.TargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Binds the core's own parts: target pools, the pipeline, the metrics registry and the set of sources. */
public final class CoreModule extends AbstractModule {
    private final TargetConfig config;
    private final PrometheusRegistry registry;

    public CoreModule(TargetConfig config, PrometheusRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    protected void configure() {
        bind(TargetConfig.class).toInstance(config);
        bind(PrometheusRegistry.class).toInstance(registry);
        bind(TargetPools.class).to(HikariTargetPools.class).asEagerSingleton();
        bind(Pipeline.class).to(DefaultPipeline.class).asEagerSingleton();
        // Sources and reloadable configuration contribute to these sets from their own modules.
        Multibinder.newSetBinder(binder(), Source.class);
        Multibinder.newSetBinder(binder(), Reloadable.class);
        Multibinder.newSetBinder(binder(), HealthIndicator.class);
        bind(Reloader.class).asEagerSingleton();
    }
}
