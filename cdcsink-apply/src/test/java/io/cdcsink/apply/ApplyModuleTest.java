package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.engine.Resolver;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.MetadataModule;
import io.cdcsink.staging.StagingModule;
import io.cdcsink.testing.UnconnectedTargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class ApplyModuleTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** The apply module with the modules whose contracts it needs, over pools that never connect. */
    private Injector injector() {
        TargetPools pools = new UnconnectedTargetPools(false);
        return Guice.createInjector(new ApplyModule(), new StagingModule(),
                new MetadataModule(MetadataConfig.defaults()), new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(TargetPools.class).toInstance(pools);
                        bind(TargetDialect.class).toInstance(pools.dialect());
                        bind(PrometheusRegistry.class).toInstance(registry);
                    }
                });
    }

    @Test
    void bindsApplierAndCatalogAsSingletons() {
        Injector injector = injector();
        assertThat(injector.getInstance(Applier.class)).isInstanceOf(JsonApplier.class)
                .isSameAs(injector.getInstance(Applier.class));
        assertThat(injector.getInstance(SchemaCatalog.class)).isInstanceOf(TargetSchemaCatalog.class)
                .isSameAs(injector.getInstance(SchemaCatalog.class));
        assertThat(registry.scrape().stream().map(m -> m.getMetadata().getPrometheusName()))
                .contains("apply_upserts", "apply_deletes", "apply_errors", "apply_duration_seconds");
    }

    @Test
    void theResolverIsOneSingletonThatCheckpointsWake() {
        Injector injector = injector();
        ResolverService resolver = injector.getInstance(ResolverService.class);
        assertThat(resolver).isSameAs(injector.getInstance(ResolverService.class))
                .isSameAs(injector.getInstance(Resolver.class));
        assertThat(injector.getInstance(ResolverConfig.class)).isEqualTo(ResolverConfig.defaults());
        assertThat(injector.getInstance(ReplicationRecorder.class)).as("alone, it reports to nobody")
                .isSameAs(ReplicationRecorder.NONE);
        assertThat(registry.scrape().stream().map(m -> m.getMetadata().getPrometheusName()))
                .contains("resolve_windows_applied", "resolve_lag_seconds");
    }
}
