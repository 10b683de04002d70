package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a logical source until the process is stopped: the part {@code pglogical} and {@code mylogical} share. */
final class LogicalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalRunner.class);

    private LogicalRunner() {
    }

    /** Runs the named source ({@code pglogical}, {@code mylogical}) with these options as a process. */
    static int run(LogicalOptions options, String source, Map<String, String> sourceOptions) throws Exception {
        Replicator.Builder builder = Replicator.builder().target(options.target()).withoutStaging()
                .handleSignals()
                .source(source, sourceOptions);
        if (options.metricsAddr != null) {
            builder.metricsAddress(options.metricsAddr);
        }
        try (Replicator replicator = builder.start(); PidFile pid = PidFile.write(options.pidFile)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("shutting down");
                replicator.close();
                pid.close();
            }, "cdc-sink-shutdown"));
            replicator.awaitShutdown();
        }
        return 0;
    }
}
