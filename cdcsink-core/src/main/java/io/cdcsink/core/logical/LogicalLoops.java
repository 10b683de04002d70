package io.cdcsink.core.logical;

import com.google.inject.Injector;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;

/**
 * Makes the replication loop of a log-based source ({@code SourceContext.logical}): connects to nothing; the loop
 * does its checks and connects when started.
 */
public final class LogicalLoops {
    private final Injector injector;
    private final TargetPools pools;

    @Inject
    public LogicalLoops(Injector injector, TargetPools pools) {
        this.injector = injector;
        this.pools = pools;
    }

    /**
     * A loop running {@code dialect} with these settings.
     *
     * @throws IllegalArgumentException when the target pool is too small for the settings
     */
    public LogicalLoop create(LogicalDialect dialect, LogicalConfig config) {
        config.requirePool(pools.maxConnections());
        return injector.createChildInjector(new LogicalModule(dialect, config)).getInstance(LogicalLoop.class);
    }
}
