package io.cdcsink.apply;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.DeadLetters;
import io.cdcsink.engine.OnApplyError;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.engine.Resolver;
import io.cdcsink.engine.SchemaCatalog;
import java.util.Objects;

/**
 * Binds the apply layer: schema discovery, the JSON applier and the resolver, which applies staged windows with it.
 * Needs {@code TargetPools}, {@code ApplyConfigs}, {@code ResolvedTimestamps}, a {@code Stager} and
 * {@code PrometheusRegistry} from other modules.
 */
public final class ApplyModule extends AbstractModule {
    private final ResolverConfig resolver;

    /** With the resolver's {@linkplain ResolverConfig#defaults() defaults}. */
    public ApplyModule() {
        this(ResolverConfig.defaults());
    }

    public ApplyModule(ResolverConfig resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    protected void configure() {
        bind(SchemaCatalog.class).to(TargetSchemaCatalog.class).in(Singleton.class);
        bind(Applier.class).to(JsonApplier.class).in(Singleton.class);
        // The core binds the flag's policy; the metadata module binds where dead letters go.
        OptionalBinder.newOptionalBinder(binder(), OnApplyError.class).setDefault().toInstance(OnApplyError.STOP);
        OptionalBinder.newOptionalBinder(binder(), DeadLetters.class);
        bind(ResolverConfig.class).toInstance(resolver);
        bind(ResolverService.class).in(Singleton.class);
        // Checkpoints wake this resolver when a resolved timestamp is queued.
        OptionalBinder.newOptionalBinder(binder(), Resolver.class).setBinding().to(ResolverService.class);
        // The core binds the replicator's status here; alone, the resolver reports to nobody.
        OptionalBinder.newOptionalBinder(binder(), ReplicationRecorder.class).setDefault()
                .toInstance(ReplicationRecorder.NONE);
    }
}
