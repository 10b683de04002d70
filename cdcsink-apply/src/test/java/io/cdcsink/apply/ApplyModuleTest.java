package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.cdcsink.api.Applier;
import io.cdcsink.api.ApplyConfigs;
import io.cdcsink.api.SchemaCatalog;
import io.cdcsink.api.TargetDialect;
import io.cdcsink.api.TargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ApplyModuleTest {
    /** Never connects: the bindings are resolved without touching a database. */
    private static final class UnusedPools implements TargetPools {
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
    void bindsApplierAndCatalogAsSingletons() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Injector injector = Guice.createInjector(new ApplyModule(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(TargetPools.class).toInstance(new UnusedPools());
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
