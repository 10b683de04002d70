package io.cdcsink.cli;

import com.google.inject.Module;
import io.cdcsink.core.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a logical source until the process is stopped: the part {@code pglogical} and {@code mylogical} share. */
final class LogicalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalRunner.class);

    private LogicalRunner() {
    }

    /** Runs the source's embedding module ({@code PgLogical.module}, {@code MyLogical.module}) as a process. */
    static int run(LogicalOptions options, Module source) throws Exception {
        Replicator.Builder builder = Replicator.builder().target(options.target()).withoutStaging()
                .handleSignals()
                .module(source);
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
