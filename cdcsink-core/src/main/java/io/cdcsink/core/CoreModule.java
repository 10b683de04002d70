package io.cdcsink.core;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.cdcsink.api.AdminRoutes;
import io.cdcsink.api.Pipeline;
import io.cdcsink.core.admin.ReplicatorRoutes;
import io.cdcsink.core.logical.LogicalLoops;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.engine.OnApplyError;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.core.status.ReplicationStatus;
import io.cdcsink.core.status.StatusReporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Binds the core's own parts: target pools, the pipeline and its mode, the metrics registry, the replication status,
 * the {@code /_/} routes and the factory of logical replication loops. Nothing it binds connects while it is constructed: the target's dialect is handed in from
 * the start-up check, and whatever needs the network starts in {@code Source.start()}.
 */
public final class CoreModule extends AbstractModule {
    private final TargetConfig config;
    private final TargetDialect dialect;
    private final PrometheusRegistry registry;

    /** @param dialect what the start-up check ({@link TargetServer#check}) found the target to be */
    public CoreModule(TargetConfig config, TargetDialect dialect, PrometheusRegistry registry) {
        this.config = config;
        this.dialect = dialect;
        this.registry = registry;
    }

    @Override
    protected void configure() {
        bind(TargetConfig.class).toInstance(config);
        bind(TargetDialect.class).toInstance(dialect);
        OptionalBinder.newOptionalBinder(binder(), OnApplyError.class).setBinding().toInstance(config.onApplyError());
        bind(PrometheusRegistry.class).toInstance(registry);
        bind(TargetPools.class).to(HikariTargetPools.class).asEagerSingleton();
        // The one place --immediate is read: each mode's path then runs without asking which mode it is in.
        bind(PipelineMode.class).to(config.immediate() ? ImmediateMode.class : ConsistentMode.class)
                .in(Singleton.class);
        // Also for requests with ?immediate=true in consistent mode (DefaultPipeline.acceptImmediately): one instance.
        bind(ImmediateMode.class).in(Singleton.class);
        bind(Pipeline.class).to(DefaultPipeline.class).asEagerSingleton();
        bind(ReplicationStatus.class).asEagerSingleton();
        // Apply declares a no-op default; the replicator's status replaces it.
        OptionalBinder.newOptionalBinder(binder(), ReplicationRecorder.class).setBinding()
                .to(ReplicationStatus.class);
        bind(StatusReporter.class).asEagerSingleton();
        // Reloadable configuration contributes to this set from its own modules.
        Multibinder.newSetBinder(binder(), Reloadable.class);
        bind(Reloader.class).asEagerSingleton();
        bind(ReplicatorRoutes.class).in(Singleton.class);
        bind(AdminRoutes.class).to(ReplicatorRoutes.class);
        bind(LogicalLoops.class).in(Singleton.class);
    }
}
