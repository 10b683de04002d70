package io.cdcsink.mysql;

import com.google.inject.Module;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalModule;
import java.util.Optional;

/**
 * The embedding entry point of the MySQL/MariaDB binlog source: a module for
 * {@code Replicator.builder().withoutStaging().module(...)} that runs {@code mylogical} inside an application.
 *
 * <pre>{@code
 * MyLogicalConfig source = MyLogicalConfig.of("mysql://root:secret@source:3306/", "app");
 * try (Replicator r = Replicator.builder().targetConnection("postgresql://postgres@target:5432/postgres")
 *         .withoutStaging()
 *         .module(MyLogical.module(source, LogicalConfig.defaults("mylogical", "app")))
 *         .start()) {
 *     r.awaitShutdown();
 * }
 * }</pre>
 */
public final class MyLogical {
    private MyLogical() {
    }

    /** Replicates the binlog into {@code loop.targetDatabase()}; no metrics endpoint of its own. */
    public static Module module(MyLogicalConfig source, LogicalConfig loop) {
        return module(source, loop, Optional.empty());
    }

    /**
     * As {@link #module(MyLogicalConfig, LogicalConfig)}, and serves {@code /_/varz} and {@code /_/healthz} at
     * {@code metricsAddr} ({@code host:port}, as {@code --metricsAddr}) when present.
     */
    public static Module module(MyLogicalConfig source, LogicalConfig loop, Optional<String> metricsAddr) {
        if (!source.targetDatabase().equals(loop.targetDatabase())) {
            throw new IllegalArgumentException("the source writes into \"" + source.targetDatabase()
                    + "\" but the loop into \"" + loop.targetDatabase() + "\": use the same --targetDB for both");
        }
        return new LogicalModule(new MyLogicalDialect(source), loop, metricsAddr);
    }
}
