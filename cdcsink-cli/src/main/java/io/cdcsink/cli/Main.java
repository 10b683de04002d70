package io.cdcsink.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code cdc-sink} command. */
@Command(name = "cdc-sink", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = "Replicates row changes into a SQL target database.")
public final class Main implements Runnable {
    /** The subcommands, in the order the help lists them (then {@code demo}, see {@link DemoNotIncluded}). */
    private static final List<Class<?>> COMMANDS = List.of(StartCommand.class, PgLogicalCommand.class,
            MyLogicalCommand.class, KafkaCommand.class, ObjstoreCommand.class, MakeJwtCommand.class,
            PreflightCommand.class, DeadLettersCommand.class, VerifyCommand.class, ReloadCommand.class,
            VersionCommand.class, CompletionCommand.class, CdsTrainingCommand.class, CommandLine.HelpCommand.class);
    /** Commands that read the whole tree: {@code help <command>} and the completion script. */
    private static final Set<String> NEEDS_ALL = Set.of("help", "completion");
    /** Global options that take a value as the next argument. */
    private static final Set<String> GLOBAL_WITH_VALUE = Set.of("--logFormat", "--logDestination");
    /** Guice's system property choosing how it constructs objects. */
    private static final String GUICE_BYTECODE = "guice_bytecode_gen_option";

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Guice then builds objects by reflection instead of generating a class per constructor with its bundled ASM
        // (tens of milliseconds at start, and classes no class-data archive can hold); nothing here intercepts methods.
        if (System.getProperty(GUICE_BYTECODE) == null) {
            System.setProperty(GUICE_BYTECODE, "DISABLED");
        }
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
        CommandLine cli = commandLine(main, defaults, commandName(args));
        cli.setExecutionStrategy(parsed -> {
            try {
                if (logs(parsed)) {
                    LogSetup.apply(main.global);
                } else {
                    LogSetup.check(main.global);
                }
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
        return commandLine(main, defaults, Optional.empty());
    }

    /**
     * As {@link #commandLine(Main, EnvironmentDefaults)}, with only the subcommand {@code named} when it names one
     * ({@code help} and {@code completion} excepted, which need the others): picocli builds a command's model, by
     * reflection over all its options, when the command is added, and for the eleven others that was a third of
     * {@code cdc-sink version}'s time.
     */
    static CommandLine commandLine(Main main, EnvironmentDefaults defaults, Optional<String> named) {
        CommandLine cli = new CommandLine(main);
        Optional<Class<?>> only = named.filter(n -> !NEEDS_ALL.contains(n))
                .flatMap(n -> COMMANDS.stream().filter(c -> n.equals(name(c))).findFirst());
        boolean demoOnly = named.filter("demo"::equals).isPresent();
        if (only.isPresent()) {
            cli.addSubcommand(only.get());
        } else if (!demoOnly) {
            COMMANDS.forEach(cli::addSubcommand);
        }
        if (demoOnly || only.isEmpty()) {
            DemoNotIncluded.addTo(cli);
        }
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

    /**
     * Whether the command line runs something that logs: not a help or version request, not a command that only
     * prints ({@link PrintsOnly}: setting up logging took a fifth of {@code cdc-sink version}'s time).
     */
    private static boolean logs(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (true) {
            if (last.isUsageHelpRequested() || last.isVersionHelpRequested()) {
                return false;
            }
            if (!last.hasSubcommand()) {
                break;
            }
            last = last.subcommand();
        }
        return !(last.commandSpec().userObject() instanceof PrintsOnly);
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** The subcommand the arguments name: the first that is neither an option nor a global option's value. */
    static Optional<String> commandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (GLOBAL_WITH_VALUE.contains(args[i])) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return Optional.of(args[i]);
            }
        }
        return Optional.empty();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
