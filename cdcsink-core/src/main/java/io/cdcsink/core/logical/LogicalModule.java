package io.cdcsink.core.logical;

import com.google.inject.AbstractModule;
import io.cdcsink.api.LogicalDialect;

/**
 * Binds one replication loop: a child of the replicator's injector per logical source, so each loop gets its own
 * dialect and settings and shares the replicator's pools, apply engine, status and metrics.
 */
final class LogicalModule extends AbstractModule {
    private final LogicalDialect dialect;
    private final LogicalConfig config;

    LogicalModule(LogicalDialect dialect, LogicalConfig config) {
        this.dialect = dialect;
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(LogicalDialect.class).toInstance(dialect);
        bind(LogicalConfig.class).toInstance(config);
        bind(LogicalLoop.class);
    }
}
