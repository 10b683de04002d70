package io.cdcsink.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Flags every subcommand accepts. */
public final class GlobalOptions {
    @Option(names = "--logFormat", defaultValue = "text", scope = ScopeType.INHERIT,
            description = "choose log output format [ fluent, text ] (default \"${DEFAULT-VALUE}\")")
    String logFormat;

    @Option(names = "--logDestination", scope = ScopeType.INHERIT,
            description = "write logs to a file, instead of stdout")
    String logDestination;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "increase logging verbosity to debug; repeat for trace")
    boolean[] verbosity = new boolean[0];
}
