package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.cdcsink.engine.Stager;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.MetadataModule;
import io.cdcsink.testing.UnconnectedTargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class StagingModuleTest {
    @Test
    void bindsTheStagerAsASingletonOverTheMetadataContracts() {
        TargetPools pools = new UnconnectedTargetPools(false);
        Injector injector = Guice.createInjector(new StagingModule(), new MetadataModule(MetadataConfig.defaults()),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(TargetPools.class).toInstance(pools);
                        bind(TargetDialect.class).toInstance(pools.dialect());
                        bind(PrometheusRegistry.class).toInstance(new PrometheusRegistry());
                    }
                });

        assertThat(injector.getInstance(Stager.class)).isInstanceOf(SqlStager.class)
                .isSameAs(injector.getInstance(Stager.class));
    }
}
