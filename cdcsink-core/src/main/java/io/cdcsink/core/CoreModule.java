package io.cdcsink.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.Reloadable;
import io.cdcsink.api.ReplicationRecorder;
import io.cdcsink.api.Source;
import io.cdcsink.api.TargetPools;
import io.cdcsink.core.status.ReplicationStatus;
import io.cdcsink.core.status.StatusReporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Binds the core's own parts: target pools, the pipeline, the metrics registry, the replication status and the set
 * of sources.
 */
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
        bind(ReplicationStatus.class).asEagerSingleton();
        // Staging declares a no-op default; the replicator's status replaces it.
        OptionalBinder.newOptionalBinder(binder(), ReplicationRecorder.class).setBinding()
                .to(ReplicationStatus.class);
        bind(StatusReporter.class).asEagerSingleton();
        // Sources and reloadable configuration contribute to these sets from their own modules.
        Multibinder.newSetBinder(binder(), Source.class);
        Multibinder.newSetBinder(binder(), Reloadable.class);
        Multibinder.newSetBinder(binder(), HealthIndicator.class);
        bind(Reloader.class).asEagerSingleton();
    }
}
