package io.cdcsink.cli;

import io.cdcsink.core.TargetConfig;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourcePreflight;
import io.cdcsink.api.preflight.SourceTable;
import io.cdcsink.core.preflight.TargetPreflight;
import io.cdcsink.mysql.MyLogicalConfig;
import io.cdcsink.mysql.MyLogicalPreflight;
import io.cdcsink.pg.PgLogicalConfig;
import io.cdcsink.pg.PgLogicalPreflight;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code cdc-sink preflight start|pglogical|mylogical [flags]}: checks, without changing anything, what the command
 * with the same flags needs. Each subcommand mixes in the flag holder of the command it checks, so the flags are
 * declared once. Exit code 0 without errors, 1 with errors, 2 for bad flags.
 */
@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = "check connectivity, source settings, the staging schema and the target tables for a command;"
                + " prefix the command line you would run with 'preflight'",
        subcommands = {PreflightCommand.Start.class, PreflightCommand.PgLogical.class,
            PreflightCommand.MyLogical.class})
final class PreflightCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name the command to check: preflight start|pglogical|mylogical [its flags]");
    }

    /** Builds a configuration from flags, turning a validation error into picocli's bad-flags exit code (2). */
    static <T> T flags(CommandLine.Model.CommandSpec spec, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    static int finish(PreflightReport report, PrintStream out) {
        report.print(out);
        return report.exitCode();
    }

    static int logical(CommandLine.Model.CommandSpec spec, LogicalOptions options, String loopName,
                       Supplier<SourcePreflight> source) {
        TargetConfig target = flags(spec, () -> {
            options.loop(loopName);
            return options.target();
        });
        SourcePreflight sourcePreflight = flags(spec, source);
        PreflightReport report = new PreflightReport();
        List<SourceTable> tables = sourcePreflight.check(report);
        boolean outOfOrder = options.immediate || !options.backfillWindow.isZero();
        new TargetPreflight(target, report).checkLogical(options.targetDB, tables, outOfOrder,
                flags(spec, () -> SchemaEvolution.parse(options.schemaEvolution)));
        return finish(report, System.out);
    }

    /** {@code preflight start}: the changefeed endpoint's target. */
    @Command(name = "start", description = "check what 'cdc-sink start' with these flags needs")
    static final class Start implements Callable<Integer> {
        @Mixin
        StartCommand flags;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PreflightReport report = new PreflightReport();
            if (DemoExtension.EMBEDDED.equals(flags.conn)) {
                report.warn("target embedded", "a throwaway server created at start-up: nothing to check");
                return finish(report, System.out);
            }
            TargetConfig target = flags(spec, () -> flags.targetConfig(flags.conn));
            new TargetPreflight(target, report).checkStart();
            return finish(report, System.out);
        }
    }

    /** {@code preflight pglogical}: the PostgreSQL source and the target. */
    @Command(name = "pglogical", description = "check what 'cdc-sink pglogical' with these flags needs")
    static final class PgLogical implements Callable<Integer> {
        @Mixin
        PgLogicalCommand flags;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return logical(spec, flags.options, flags.loopName, () -> {
                PgLogicalConfig config = flags.config();
                return new PgLogicalPreflight(config, "initial".equals(flags.options.snapshot));
            });
        }
    }

    /** {@code preflight mylogical}: the MySQL/MariaDB source and the target. */
    @Command(name = "mylogical", description = "check what 'cdc-sink mylogical' with these flags needs")
    static final class MyLogical implements Callable<Integer> {
        @Mixin
        MyLogicalCommand flags;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return logical(spec, flags.options, flags.loopName, () -> {
                MyLogicalConfig config = flags.config();
                return new MyLogicalPreflight(config);
            });
        }
    }
}
