package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LockKeysTest {
    @Test
    void keysAreStableAcrossRunsAndDistinctPerPurposeAndSchema() {
        // Pinned: every instance, of every version, must compute the same key for a schema.
        assertThat(LockKeys.of("")).isEqualTo(0xe3b0c44298fc1c14L);
        assertThat(LockKeys.resolver("app")).isEqualTo(LockKeys.of("cdc-sink resolver app"));
        assertThat(LockKeys.resolver("app")).isNotEqualTo(LockKeys.resolver("App"))
                .isNotEqualTo(LockKeys.mark("app"));
    }
}
