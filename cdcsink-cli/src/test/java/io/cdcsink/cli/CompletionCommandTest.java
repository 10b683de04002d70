package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code cdc-sink completion} completes every subcommand and flag, in a script bash accepts. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine(new Main(), new EnvironmentDefaults(java.util.Map.of()));
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void scriptNamesEverySubcommandAndFlag() {
        String script = run("completion");
        CommandLine root = Main.commandLine(new Main(), new EnvironmentDefaults(java.util.Map.of()));
        List<String> expected = new ArrayList<>();
        root.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().usageMessage().hidden()) {
                return; // demo (in the production jar) and cds-training
            }
            expected.add(name);
            for (OptionSpec o : sub.getCommandSpec().options()) {
                expected.addAll(List.of(o.names()));
            }
        });
        assertThat(expected).contains("start", "pglogical", "mylogical", "make-jwt", "version", "completion",
                "--bindAddr", "--publicationName", "--defaultGTIDSet", "--logFormat");
        assertThat(script).contains(expected);
    }

    @Test
    void scriptIsValidBash() throws Exception {
        Path file = dir.resolve("cdc-sink.bash");
        Files.writeString(file, run("completion", "bash"));
        Process p = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void zshVariantTurnsOnBashCompatibilityFirst() {
        String zsh = run("completion", "zsh");
        assertThat(zsh).startsWith("autoload -U +X compinit").contains("bashcompinit").contains("complete -F");
        assertThat(zsh).endsWith(run("completion", "bash"));
    }
}
