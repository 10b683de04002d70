package io.cdcsink.pg;

import com.google.inject.Module;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalModule;
import java.util.Optional;

/**
 * The embedding entry point of the PostgreSQL logical source: a module for
 * {@code Replicator.builder().withoutStaging().module(...)} that runs {@code pglogical} inside an application.
 *
 * <pre>{@code
 * PgLogicalConfig source = PgLogicalConfig.of("postgresql://postgres@source:5432/app", "my_pub", "cdc_sink",
 *         "app", null);
 * try (Replicator r = Replicator.builder().targetConnection("postgresql://postgres@target:5432/postgres")
 *         .withoutStaging()
 *         .module(PgLogical.module(source, LogicalConfig.defaults("pglogical", "app")))
 *         .start()) {
 *     r.awaitShutdown();
 * }
 * }</pre>
 */
public final class PgLogical {
    private PgLogical() {
    }

    /** Replicates the publication into {@code loop.targetDatabase()}; no metrics endpoint of its own. */
    public static Module module(PgLogicalConfig source, LogicalConfig loop) {
        return module(source, loop, Optional.empty());
    }

    /**
     * As {@link #module(PgLogicalConfig, LogicalConfig)}, and serves {@code /_/varz} and {@code /_/healthz} at
     * {@code metricsAddr} ({@code host:port}, as {@code --metricsAddr}) when present.
     */
    public static Module module(PgLogicalConfig source, LogicalConfig loop, Optional<String> metricsAddr) {
        if (!source.targetDatabase().equals(loop.targetDatabase())) {
            throw new IllegalArgumentException("the source writes into \"" + source.targetDatabase()
                    + "\" but the loop into \"" + loop.targetDatabase() + "\": use the same --targetDB for both");
        }
        return new LogicalModule(new PgLogicalDialect(source), loop, metricsAddr);
    }
}
