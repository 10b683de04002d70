package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/** Runs a source until the process is stopped: the part the replicating commands share. */
final class LogicalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalRunner.class);

    private LogicalRunner() {
    }

    /**
     * The replicator of the named logical source ({@code pglogical}, {@code mylogical}): the loop's options of these
     * flags and {@code loopName}, then the source's own, asked for after the loop's flags are checked (a bad loop flag
     * is the error reported, not the source's).
     */
    static Replicator.Builder builder(LogicalOptions options, String loopName, String source,
                                      Supplier<Map<String, String>> sourceOptions) {
        Map<String, String> all = new LinkedHashMap<>(options.loop(loopName));
        all.putAll(sourceOptions.get());
        return Replicator.builder().target(options.target()).withoutStaging().source(source, all);
    }

    /** Runs a logical source's replicator ({@link #builder}) as a process. */
    static int run(CommandSpec command, LogicalOptions options, Replicator.Builder builder) throws Exception {
        return serve(command, builder, options.metricsAddr, options.pidFile, options.stop.shutdownTimeout);
    }

    /**
     * Starts the replicator the builder describes and runs it until the process is stopped (SIGHUP reloads its
     * configuration; SIGTERM and Ctrl-C stop it within {@code shutdownTimeout}, see {@link GracefulStop}): the part
     * every command that replicates shares.
     */
    static int serve(CommandSpec command, Replicator.Builder builder, String metricsAddr, Path pidFile,
                     Duration shutdownTimeout) throws Exception {
        if (metricsAddr != null) {
            builder.metricsAddress(metricsAddr);
        }
        return serve(command, builder, pidFile, shutdownTimeout, () -> { });
    }

    /**
     * Logs the command's effective configuration, runs the built replicator until stopped, then {@code after} (e.g.
     * {@code start}'s embedded target); returns the exit code, 0 after a clean stop.
     */
    static int serve(CommandSpec command, Replicator.Builder builder, Path pidFile, Duration shutdownTimeout,
                     Runnable after) throws Exception {
        LOG.info(EffectiveConfig.describe(command));
        builder.handleSignals();
        try (Replicator replicator = builder.start(); PidFile pid = PidFile.write(pidFile)) {
            AtomicBoolean stopping = new AtomicBoolean();
            CountDownLatch stopped = new CountDownLatch(1);
            Runnable stop = () -> {
                if (stopping.getAndSet(true)) {
                    return;
                }
                try {
                    replicator.close();
                    pid.close();
                    after.run();
                } finally {
                    stopped.countDown();
                }
            };
            GracefulStop.install(shutdownTimeout, stop);
            // Any other way out of the JVM (System.exit elsewhere) still stops the replicator.
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "cdc-sink-shutdown"));
            stopped.await();
        }
        return 0;
    }
}
