package io.cdcsink.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.cli.DemoExtension;
import io.cdcsink.cli.Main;
import org.junit.jupiter.api.Test;

/** With this module on the class path, the command line finds the demo: {@code demo} runs with its own flags. */
class DemoFeaturesTest {
    @Test
    void theCommandLineFindsTheDemo() {
        assertThat(DemoExtension.find()).get().isInstanceOf(DemoFeatures.class);
        assertThat(Main.execute("demo", "--help")).isZero();
        assertThat(Main.execute("-v", "demo", "--seed", "7", "--help")).as("global flags before demo").isZero();
        assertThat(Main.execute("demo", "--logFormat", "text", "--help")).as("global flags after demo").isZero();
    }

    @Test
    void badDemoFlagsAreUsageErrors() {
        assertThat(Main.execute("demo", "--noSuchFlag")).isEqualTo(2);
    }
}
