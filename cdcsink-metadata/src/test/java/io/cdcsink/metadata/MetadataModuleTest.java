package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.Checkpoints;
import io.cdcsink.engine.JwtKeys;
import io.cdcsink.engine.MetadataSchema;
import io.cdcsink.engine.Positions;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Resolver;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.testing.UnconnectedTargetPools;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataModuleTest {
    private static Injector injector() {
        return Guice.createInjector(new MetadataModule(new MetadataConfig("meta")), new AbstractModule() {
            @Override
            protected void configure() {
                bind(TargetPools.class).toInstance(new UnconnectedTargetPools(false));
            }
        });
    }

    @Test
    void bindsEveryContractToOneSingletonWithoutConnecting() {
        Injector injector = injector();
        assertThat(injector.getInstance(MetadataSchema.class)).isInstanceOf(SqlMetadataSchema.class)
                .isSameAs(injector.getInstance(SqlMetadataSchema.class));
        assertThat(injector.getInstance(SqlMetadataSchema.class).schema()).isEqualTo("meta");
        assertThat(injector.getInstance(Checkpoints.class)).isInstanceOf(SqlCheckpoints.class)
                .isSameAs(injector.getInstance(Checkpoints.class));
        assertThat(injector.getInstance(ResolvedTimestamps.class)).isInstanceOf(SqlResolvedTimestamps.class)
                .isSameAs(injector.getInstance(ResolvedTimestamps.class));
        assertThat(injector.getInstance(Positions.class)).isInstanceOf(SqlPositions.class)
                .isSameAs(injector.getInstance(Positions.class));
        assertThat(injector.getInstance(JwtKeys.class)).isInstanceOf(SqlJwtKeys.class)
                .isSameAs(injector.getInstance(JwtKeys.class));
        assertThat(injector.getInstance(ApplyConfigs.class)).isSameAs(injector.getInstance(SqlApplyConfigs.class));
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Set<Reloadable>>() {
        }))).containsExactly(injector.getInstance(SqlApplyConfigs.class));
    }

    @Test
    void withoutAResolverMarksWakeNobody() {
        assertThat(injector().getInstance(Resolver.class)).isSameAs(Resolver.NONE);
    }
}
