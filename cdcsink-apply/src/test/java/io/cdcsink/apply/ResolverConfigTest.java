package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StagingConfigTest {
    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void defaultsMatchTheDocumentedValues() {
        assertThat(StagingConfig.defaults())
                .isEqualTo(new StagingConfig("_cdc_sink", 10_000, Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }

    @Test
    void invalidValuesAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> new StagingConfig(" ", 1, S, S)).hasMessageContaining("--stagingDB");
        assertThatThrownBy(() -> new StagingConfig("x".repeat(64), 1, S, S)).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> new StagingConfig("a\0b", 1, S, S)).hasMessageContaining("NUL");
        assertThatThrownBy(() -> new StagingConfig("s", 0, S, S)).hasMessageContaining("drainBatchSize");
        assertThatThrownBy(() -> new StagingConfig("s", 1, Duration.ZERO, S)).hasMessageContaining("idleWait");
        assertThatThrownBy(() -> new StagingConfig("s", 1, S, Duration.ofSeconds(-1)))
                .hasMessageContaining("scanInterval");
        assertThatThrownBy(() -> new StagingConfig("s", 1, null, S)).hasMessageContaining("idleWait");
    }
}
