package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a source until the process is stopped: the part the replicating commands share. */
final class LogicalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalRunner.class);

    private LogicalRunner() {
    }

    /** Runs the named source ({@code pglogical}, {@code mylogical}) with these options as a process. */
    static int run(LogicalOptions options, String source, Map<String, String> sourceOptions) throws Exception {
        return serve(Replicator.builder().target(options.target()).withoutStaging().source(source, sourceOptions),
                options.metricsAddr, options.pidFile);
    }

    /**
     * Starts the replicator the builder describes and runs it until the process is stopped (SIGHUP reloads its
     * configuration): the part every command that replicates shares, {@code start}'s embedded target aside.
     */
    static int serve(Replicator.Builder builder, String metricsAddr, Path pidFile) throws Exception {
        builder.handleSignals();
        if (metricsAddr != null) {
            builder.metricsAddress(metricsAddr);
        }
        try (Replicator replicator = builder.start(); PidFile pid = PidFile.write(pidFile)) {
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
