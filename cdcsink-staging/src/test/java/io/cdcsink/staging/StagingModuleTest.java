package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.cdcsink.api.Applier;
import io.cdcsink.api.Checkpoints;
import io.cdcsink.api.Stager;
import io.cdcsink.api.TargetDialect;
import io.cdcsink.api.TargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class StagingModuleTest {
    /** Never connects: building the graph must not touch the target. */
    private static final class NoTarget implements TargetPools {
        @Override
        public DataSource forDatabase(String database) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TargetDialect dialect() {
            return TargetDialect.of(TargetDialect.Product.POSTGRESQL);
        }

        @Override
        public List<String> databases() {
            return List.of();
        }

        @Override
        public boolean ping() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void bindsSingletonsWithoutACycle() {
        Injector injector = Guice.createInjector(new StagingModule(StagingConfig.defaults()), new AbstractModule() {
            @Override
            protected void configure() {
                bind(TargetPools.class).toInstance(new NoTarget());
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
