package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The flags README.md documents are the flags the commands have, with the same defaults (and help texts). */
class ReadmeFlagsTest {
    private final CommandLine root = Main.commandLine(new Main(), new EnvironmentDefaults(java.util.Map.of()));

    private CommandSpec command(String name) {
        return root.getSubcommands().get(name).getCommandSpec();
    }

    /** A command's own flags by long name, without --help/--version and the inherited global flags. */
    private static Map<String, OptionSpec> ownFlags(CommandSpec spec) {
        Map<String, OptionSpec> flags = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp() && !o.inherited()) {
                flags.put(o.longestName(), o);
            }
        }
        return flags;
    }

    private static String description(OptionSpec o) {
        // What the help shows: picocli fills in ${DEFAULT-VALUE} only when rendering.
        return String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))
                .strip();
    }

    private static String typeWord(OptionSpec o) {
        Class<?> t = o.type();
        if (t == boolean.class || t == boolean[].class) {
            return null;
        }
        if (t == String.class || t == Path.class) {
            return "string";
        }
        if (t == Duration.class) {
            return "duration";
        }
        return t.getSimpleName();
    }

    /** The default README states for a flag matches the option's; booleans default to false without saying so. */
    private static void sameDefault(List<String> problems, String command, OptionSpec o, Optional<String> readme) {
        String actual = o.defaultValue();
        boolean same = readme.isEmpty() ? actual == null
                : readme.get().equals("false") && o.type() == boolean.class
                ? actual == null || actual.equals("false") : readme.get().equals(actual);
        if (!same) {
            problems.add(command + " " + o.longestName() + ": default in README " + readme.orElse("<none>")
                    + ", in the command " + actual);
        }
    }

    private static void same(List<String> problems, String what, Object readme, Object actual) {
        if (!Objects.equals(readme, actual)) {
            problems.add(what + ": README \"" + readme + "\", command \"" + actual + "\"");
        }
    }

    @Test
    void startUsageBlockIsTheRealHelpText() throws Exception {
        List<String> section = ReadmeFlags.read().section("`cdc-sink start`");
        List<String> block = new ArrayList<>();
        boolean in = false;
        for (String l : section) {
            if (l.startsWith("```")) {
                if (in) {
                    break;
                }
                in = true;
            } else if (in) {
                block.add(l);
            }
        }
        assertThat(block).as("README's start block").hasSizeGreaterThan(5)
                .isEqualTo(FlagHelp.render(command("start")).lines().toList());
        // Every own flag is in it with its type (a switch has none).
        var parsed = ReadmeFlags.usageBlock(section);
        Map<String, OptionSpec> flags = ownFlags(command("start"));
        assertThat(new TreeSet<>(parsed.get("command").keySet())).isEqualTo(new TreeSet<>(flags.keySet()));
        List<String> problems = new ArrayList<>();
        for (ReadmeFlags.Flag f : parsed.get("command").values()) {
            same(problems, "start " + f.name() + " type", f.type().orElse(null), typeWord(flags.get(f.name())));
        }
        assertThat(problems).isEmpty();
    }

    /** The usage blocks in docs/ are the real help text of their commands. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"security.md,make-jwt", "poison-rows.md,deadletters discard",
        "verify.md,verify", "kafka.md,kafka",
        "objstore.md,objstore"})
    void docsUsageBlocksAreTheRealHelpText(String doc, String command) throws Exception {
        java.nio.file.Path file = java.nio.file.Path.of("..", "docs", doc);
        List<String> lines = java.nio.file.Files.readAllLines(file);
        String usage = "Usage: cdc-sink " + command + " ";
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(usage)) {
                start = i;
            }
        }
        assertThat(start).as("a usage block of %s in %s", command, doc).isNotNegative();
        List<String> block = new ArrayList<>();
        for (int i = start; !lines.get(i).startsWith("```"); i++) {
            block.add(lines.get(i));
        }
        CommandSpec spec = root.getCommandSpec();
        for (String name : command.split(" ")) {
            spec = spec.subcommands().get(name).getCommandSpec();
        }
        assertThat(block).isEqualTo(FlagHelp.render(spec).lines().toList());
    }

    @Test
    void pglogicalTableListsEveryFlagWithItsDefault() throws Exception {
        Map<String, ReadmeFlags.Flag> documented = ReadmeFlags.table(ReadmeFlags.read().section("`cdc-sink pglogical`"));
        Map<String, OptionSpec> flags = ownFlags(command("pglogical"));
        assertThat(new TreeSet<>(documented.keySet())).isEqualTo(new TreeSet<>(flags.keySet()));
        List<String> problems = new ArrayList<>();
        for (ReadmeFlags.Flag f : documented.values()) {
            sameDefault(problems, "pglogical", flags.get(f.name()), f.defaultValue());
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The mylogical section names its own flags and refers to pglogical's table for the shared ones: every flag it
     * names exists with the stated default, every mylogical flag is documented in one of the two places, and a
     * shared flag it does not restate has the table's default.
     */
    @Test
    void mylogicalSectionAndSharedTableCoverEveryFlag() throws Exception {
        ReadmeFlags readme = ReadmeFlags.read();
        Map<String, ReadmeFlags.Flag> own = ReadmeFlags.prose(readme.section("`cdc-sink mylogical`"));
        Map<String, ReadmeFlags.Flag> shared = ReadmeFlags.table(readme.section("`cdc-sink pglogical`"));
        Map<String, OptionSpec> flags = ownFlags(command("mylogical"));
        assertThat(own).as("flags the mylogical section names").containsKeys("--targetSchema", "--defaultGTIDSet");
        assertThat(flags.keySet().stream().filter(name -> !own.containsKey(name) && !shared.containsKey(name)))
                .as("mylogical flags documented neither in its section nor in the shared table").isEmpty();
        List<String> problems = new ArrayList<>();
        for (ReadmeFlags.Flag f : own.values()) {
            if (!flags.containsKey(f.name())) {
                problems.add("the mylogical section names " + f.name() + ", which mylogical does not have");
            } else if (f.defaultValue().isPresent()) {
                sameDefault(problems, "mylogical", flags.get(f.name()), f.defaultValue());
            }
        }
        for (String name : flags.keySet()) {
            if (shared.containsKey(name) && (!own.containsKey(name) || own.get(name).defaultValue().isEmpty())) {
                sameDefault(problems, "mylogical", flags.get(name), shared.get(name).defaultValue());
            }
        }
        assertThat(problems).isEmpty();
    }
}
