package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Issue #31: {@code -V} prints the version and {@code --help} the usage on every command and subcommand. */
class VersionAndHelpTest {
    private record Run(int exit, String out) {
    }

    private static Run run(List<String> args) {
        PrintStream was = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute(args.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(was);
        }
    }

    /** Every command path below {@code cdc-sink}, e.g. {@code [start]}, {@code [deadletters, retry]}. */
    private static List<List<String>> paths(CommandLine command, List<String> prefix) {
        List<List<String>> out = new ArrayList<>();
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            out.add(path);
            out.addAll(paths(sub, path));
        });
        return out;
    }

    @Test
    void everyCommandPrintsTheVersionAndItsUsage() {
        List<List<String>> paths = paths(Main.commandLine(new Main(), new EnvironmentDefaults(java.util.Map.of())), List.of());
        assertThat(paths).contains(List.of("start"), List.of("version"), List.of("deadletters", "retry"),
                List.of("preflight", "pglogical"), List.of("verify"));
        String version = run(List.of("--version")).out().lines().findFirst().orElseThrow();
        assertThat(version).startsWith("cdc-sink ");
        for (List<String> path : paths) {
            List<String> v = new ArrayList<>(path);
            v.add("-V");
            Run r = run(v);
            assertThat(r.exit()).as(String.join(" ", v)).isZero();
            assertThat(r.out()).as(String.join(" ", v)).startsWith(version);
            List<String> h = new ArrayList<>(path);
            h.add("--help");
            Run help = run(h);
            assertThat(help.exit()).as(String.join(" ", h)).isZero();
            assertThat(help.out()).as(String.join(" ", h)).startsWith("Usage: cdc-sink " + String.join(" ", path));
        }
    }

    /** The subcommand named on the command line, past global options and their values; none when there is none. */
    @Test
    void theNamedSubcommandIsFoundPastGlobalOptions() {
        assertThat(Main.commandName("version")).contains("version");
        assertThat(Main.commandName("--logFormat", "fluent", "-v", "start", "--conn", "x")).contains("start");
        assertThat(Main.commandName("--logFormat=fluent", "pglogical")).contains("pglogical");
        assertThat(Main.commandName("--logDestination", "start.log", "help", "start")).contains("help");
        assertThat(Main.commandName("--help")).isEmpty();
        assertThat(Main.commandName()).isEmpty();
    }

    /** Only the named subcommand is built; help, completion and unknown names get the whole tree. */
    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        EnvironmentDefaults none = new EnvironmentDefaults(java.util.Map.of());
        assertThat(Main.commandLine(new Main(), none, java.util.Optional.of("version")).getSubcommands())
                .containsOnlyKeys("version");
        assertThat(Main.commandLine(new Main(), none, java.util.Optional.of("help")).getSubcommands())
                .containsKeys("start", "pglogical", "version", "help", "demo");
        assertThat(Main.commandLine(new Main(), none, java.util.Optional.of("strat")).getSubcommands())
                .containsKeys("start", "pglogical", "version", "help", "demo");
        Run typo = run(List.of("strat"));
        assertThat(typo.exit()).isEqualTo(2);
    }

    /** The launcher's class-data training run wires every replicating command without a server, and exits 0. */
    @Test
    void theClassDataTrainingRunNeedsNoServer() {
        assertThat(run(List.of("cds-training")).exit()).isZero();
    }
}
