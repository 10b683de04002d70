package io.cdcsink.cli;

import io.cdcsink.api.LogicalDialect;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalModule;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a logical source until the process is stopped: the part {@code pglogical} and {@code mylogical} share. */
final class LogicalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalRunner.class);

    private LogicalRunner() {
    }

    static int run(LogicalOptions options, LogicalConfig loop, LogicalDialect dialect) throws Exception {
        Replicator.Builder builder = Replicator.builder().target(options.target()).withoutStaging()
                .handleSignals()
                .module(new LogicalModule(dialect, loop, Optional.ofNullable(options.metricsAddr)));
        try (Replicator replicator = builder.start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("shutting down");
                replicator.close();
            }, "cdc-sink-shutdown"));
            replicator.awaitShutdown();
        }
        return 0;
    }
}
