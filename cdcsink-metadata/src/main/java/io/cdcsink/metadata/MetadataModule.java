package io.cdcsink.metadata;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.Checkpoints;
import io.cdcsink.engine.DeadLetters;
import io.cdcsink.engine.JwtKeys;
import io.cdcsink.engine.MetadataSchema;
import io.cdcsink.engine.Loads;
import io.cdcsink.engine.Positions;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Resolver;
import java.util.Objects;

/**
 * Binds cdc-sink's tables in the target behind their contracts: the schema itself, checkpoints and resolved
 * timestamps, logical positions, the apply configuration (also a {@link Reloadable}) and the JWT keys. Needs
 * {@code TargetPools} from another module.
 */
public final class MetadataModule extends AbstractModule {
    private final MetadataConfig config;

    public MetadataModule(MetadataConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(MetadataConfig.class).toInstance(config);
        bind(SqlMetadataSchema.class).in(Scopes.SINGLETON);
        bind(MetadataSchema.class).to(SqlMetadataSchema.class);
        bind(ResolvedTimestamps.class).to(SqlResolvedTimestamps.class).in(Scopes.SINGLETON);
        bind(Checkpoints.class).to(SqlCheckpoints.class).in(Scopes.SINGLETON);
        bind(Positions.class).to(SqlPositions.class).in(Scopes.SINGLETON);
        bind(Loads.class).to(SqlLoads.class).in(Scopes.SINGLETON);
        bind(JwtKeys.class).to(SqlJwtKeys.class).in(Scopes.SINGLETON);
        bind(DeadLetters.class).to(SqlDeadLetters.class).in(Scopes.SINGLETON);
        bind(SqlApplyConfigs.class).in(Scopes.SINGLETON);
        bind(ApplyConfigs.class).to(SqlApplyConfigs.class);
        Multibinder.newSetBinder(binder(), Reloadable.class).addBinding().to(SqlApplyConfigs.class);
        // The apply module binds its resolver here; without one, marks wake nobody and a scan finds the windows.
        OptionalBinder.newOptionalBinder(binder(), Resolver.class).setDefault().toInstance(Resolver.NONE);
    }
}
