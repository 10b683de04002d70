package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResolverConfigTest {
    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void defaultsMatchTheDocumentedValues() {
        assertThat(ResolverConfig.defaults())
                .isEqualTo(new ResolverConfig(10_000, Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }

    @Test
    void invalidValuesAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> new ResolverConfig(0, S, S)).hasMessageContaining("drainBatchSize");
        assertThatThrownBy(() -> new ResolverConfig(1, Duration.ZERO, S)).hasMessageContaining("idleWait");
        assertThatThrownBy(() -> new ResolverConfig(1, S, Duration.ofSeconds(-1)))
                .hasMessageContaining("scanInterval");
        assertThatThrownBy(() -> new ResolverConfig(1, null, S)).hasMessageContaining("idleWait");
    }
}
