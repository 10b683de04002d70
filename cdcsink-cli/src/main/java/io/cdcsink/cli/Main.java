package io.cdcsink.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code cdc-sink} command. */
@Command(name = "cdc-sink", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = "Replicates row changes into a SQL target database.",
        subcommands = {StartCommand.class, PgLogicalCommand.class, MyLogicalCommand.class, KafkaCommand.class,
            ObjstoreCommand.class,
            MakeJwtCommand.class, PreflightCommand.class, DeadLettersCommand.class, VerifyCommand.class,
            ReloadCommand.class, VersionCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Mixin
    GlobalOptions global = new GlobalOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return execute(System.getenv(), args);
    }

    /** Runs the command line with {@code environment} as the environment its {@code CDC_SINK_*} variables come from. */
    static int execute(Map<String, String> environment, String... args) {
        Main main = new Main();
        EnvironmentDefaults defaults = new EnvironmentDefaults(environment);
        CommandLine cli = commandLine(main, defaults);
        cli.setExecutionStrategy(parsed -> {
            try {
                LogSetup.apply(main.global);
            } catch (IllegalArgumentException e) {
                // A bad --logFormat is a usage error: one line, exit 2.
                parsed.commandSpec().commandLine().getErr().println("cdc-sink: " + e.getMessage());
                parsed.commandSpec().commandLine().getErr().flush();
                return parsed.commandSpec().exitCodeOnInvalidInput();
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> CommandFailure.report(e, cmd.getErr(),
                main.global.verbosity.length > 0, main.global.logDestination != null
                        && !main.global.logDestination.isEmpty()));
        return cli.execute(args);
    }

    /**
     * The command line as {@link #execute} runs it: every subcommand, -h and -V on each, the spec's help style, every
     * flag's default from the environment.
     */
    static CommandLine commandLine(Main main, EnvironmentDefaults defaults) {
        CommandLine cli = new CommandLine(main);
        DemoNotIncluded.addTo(cli);
        withVersion(cli, new BuildInfo());
        FlagHelp.install(cli);
        // After every subcommand is added: the provider reaches the whole tree as it is now.
        cli.setDefaultValueProvider(defaults);
        // "--conn @/path" is FileValue's (one line of a secret file), not picocli's argument-file expansion.
        cli.setExpandAtFiles(false);
        return cli;
    }

    /**
     * {@code -h}/{@code --help} and {@code -V}/{@code --version} on every subcommand, the version printed by each, not
     * only by {@code cdc-sink}.
     */
    private static void withVersion(CommandLine command, CommandLine.IVersionProvider version) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getCommandSpec().versionProvider(version);
        command.getSubcommands().values().forEach(sub -> withVersion(sub, version));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
