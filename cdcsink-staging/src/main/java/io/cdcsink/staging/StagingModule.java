package io.cdcsink.staging;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.Checkpoints;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.engine.Stager;
import java.util.Objects;

/**
 * Binds staging, checkpoints, the resolver and the apply configuration (also a {@link Reloadable}). Needs {@code TargetPools}, {@code Applier} and
 * {@code PrometheusRegistry} from other modules.
 */
public final class StagingModule extends AbstractModule {
    private final StagingConfig config;

    public StagingModule(StagingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(StagingConfig.class).toInstance(config);
        bind(StagingArea.class).in(Scopes.SINGLETON);
        bind(Stager.class).to(SqlStager.class).in(Scopes.SINGLETON);
        bind(Checkpoints.class).to(SqlCheckpoints.class).in(Scopes.SINGLETON);
        bind(ResolverService.class).in(Scopes.SINGLETON);
        bind(SqlApplyConfigs.class).in(Scopes.SINGLETON);
        bind(ApplyConfigs.class).to(SqlApplyConfigs.class);
        Multibinder.newSetBinder(binder(), Reloadable.class).addBinding().to(SqlApplyConfigs.class);
        // The core binds the replicator's status here; alone, staging reports to nobody.
        OptionalBinder.newOptionalBinder(binder(), ReplicationRecorder.class).setDefault()
                .toInstance(ReplicationRecorder.NONE);
    }
}
