package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.testing.UnconnectedTargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class ApplyModuleTest {
    @Test
    void bindsApplierAndCatalogAsSingletons() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Injector injector = Guice.createInjector(new ApplyModule(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(TargetPools.class).toInstance(new UnconnectedTargetPools(false));
                bind(ApplyConfigs.class).toInstance(ApplyConfigs.NONE);
                bind(PrometheusRegistry.class).toInstance(registry);
            }
        });
        assertThat(injector.getInstance(Applier.class)).isInstanceOf(JsonApplier.class)
                .isSameAs(injector.getInstance(Applier.class));
        assertThat(injector.getInstance(SchemaCatalog.class)).isInstanceOf(TargetSchemaCatalog.class)
                .isSameAs(injector.getInstance(SchemaCatalog.class));
        assertThat(registry.scrape().stream().map(m -> m.getMetadata().getPrometheusName()))
                .contains("apply_upserts", "apply_deletes", "apply_errors", "apply_duration_seconds");
    }
}
