package io.cdcsink.staging;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import io.cdcsink.engine.Stager;

/**
 * Binds the stager. Needs {@code TargetDialect}, {@code MetadataSchema}, {@code ResolvedTimestamps} and
 * {@code PrometheusRegistry} from other modules.
 */
public final class StagingModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Stager.class).to(SqlStager.class).in(Scopes.SINGLETON);
    }
}
