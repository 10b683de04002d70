package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetadataConfigTest {
    @Test
    void defaultsMatchTheDocumentedValues() {
        assertThat(MetadataConfig.defaults()).isEqualTo(new MetadataConfig("_cdc_sink"));
    }

    @Test
    void invalidSchemasAreRejectedNamingTheFlag() {
        assertThatThrownBy(() -> new MetadataConfig(" ")).hasMessageContaining("--stagingDB");
        assertThatThrownBy(() -> new MetadataConfig(null)).hasMessageContaining("--stagingDB");
        assertThatThrownBy(() -> new MetadataConfig("x".repeat(64))).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> new MetadataConfig("a\0b")).hasMessageContaining("NUL");
        assertThat(new MetadataConfig("x".repeat(63)).schema()).hasSize(63);
    }
}
