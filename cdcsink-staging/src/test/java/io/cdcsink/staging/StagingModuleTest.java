package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.Checkpoints;
import io.cdcsink.engine.Stager;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.testing.UnconnectedTargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class StagingModuleTest {
    @Test
    void bindsSingletonsWithoutACycle() {
        Injector injector = Guice.createInjector(new StagingModule(StagingConfig.defaults()), new AbstractModule() {
            @Override
            protected void configure() {
                bind(TargetPools.class).toInstance(new UnconnectedTargetPools(false));
                bind(Applier.class).toInstance(new RowApplier());
                bind(PrometheusRegistry.class).toInstance(new PrometheusRegistry());
            }
        });

        assertThat(injector.getInstance(Stager.class)).isInstanceOf(SqlStager.class)
                .isSameAs(injector.getInstance(Stager.class));
        assertThat(injector.getInstance(Checkpoints.class)).isInstanceOf(SqlCheckpoints.class)
                .isSameAs(injector.getInstance(Checkpoints.class));
        assertThat(injector.getInstance(ResolverService.class)).isSameAs(injector.getInstance(ResolverService.class));
        assertThat(injector.getInstance(StagingConfig.class)).isEqualTo(StagingConfig.defaults());
    }
}
