package io.cdcsink.cli;

import picocli.CommandLine.Command;

/** {@code cdc-sink version}: prints the version and build information. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "print the version and build information")
final class VersionCommand implements Runnable, PrintsOnly {
    @Override
    public void run() {
        for (String line : new BuildInfo().getVersion()) {
            System.out.println(line);
        }
    }
}
