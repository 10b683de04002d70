package io.cdcsink.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --shutdownTimeout}, the flag every command that runs until stopped shares (see {@link GracefulStop}). */
final class ShutdownOption {
    @Option(names = "--shutdownTimeout", defaultValue = "30s", converter = GoDuration.class,
            description = "on SIGTERM or Ctrl-C, finish requests in flight and the current apply within this long,"
                    + " then exit (default ${DEFAULT-VALUE})")
    Duration shutdownTimeout;
}
