package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Without the demo jar on the class path, {@code demo} is hidden and it and {@code --conn embedded} exit with 2. */
class DemoNotIncludedTest {
    @Test
    void demoIsHiddenFromTheHelp() {
        CommandLine cli = Main.commandLine(new Main(), new EnvironmentDefaults(java.util.Map.of()));
        Object demo = cli.getSubcommands().get("demo").getCommand();
        assertThat(demo).isInstanceOf(DemoNotIncluded.class);
        assertThat(cli.getUsageMessage()).contains("start").doesNotContain("demo");
    }

    @Test
    void demoAndTheEmbeddedTargetExitWithTwo() {
        assertThat(DemoExtension.find()).isEmpty();
        assertThat(Main.execute("demo", "--duration", "5s")).isEqualTo(2);
        assertThat(Main.execute("start", "--conn", "embedded", "--disableAuthentication")).isEqualTo(2);
    }

    @Test
    void theAnswerIsOneLineSayingHowToRunIt() {
        assertThat(DemoNotIncluded.message("--conn embedded", "start --conn embedded"))
                .doesNotContain("\n").contains("`./cdc-sink start --conn embedded`", "cdc-sink-demo.jar");
    }
}
