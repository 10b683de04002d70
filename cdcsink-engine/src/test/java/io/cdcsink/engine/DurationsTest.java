package io.cdcsink.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void durationsReadAsTheFlagsAreWritten() {
        assertThat(Durations.text(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.text(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.text(Duration.ofSeconds(16))).isEqualTo("16s");
        assertThat(Durations.text(Duration.ofMillis(1_500))).isEqualTo("1.5s");
        assertThat(Durations.text(Duration.ofMillis(1_025))).isEqualTo("1.025s");
        assertThat(Durations.text(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.text(Duration.ofSeconds(7_205))).isEqualTo("2h0m5s");
        assertThat(Durations.text(Duration.ofSeconds(-3))).isEqualTo("-3s");
    }
}
