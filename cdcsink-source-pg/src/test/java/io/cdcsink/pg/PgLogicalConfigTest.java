package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import io.cdcsink.api.Options;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgLogicalConfigTest {
    private static final String CONN = "postgresql://postgres:secret@localhost:5432/src?sslmode=disable";

    @Test
    void defaultsAndSourceDatabase() {
        PgLogicalConfig c = PgLogicalConfig.of(CONN, "my_pub", null, "target", null);
        assertThat(c.slotName()).isEqualTo("cdc_sink");
        assertThat(c.standbyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.sourceDatabase()).isEqualTo("src");
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void errorsNameTheFlag() {
        assertThatThrownBy(() -> PgLogicalConfig.of(null, "p", null, "t", null)).hasMessageContaining("--sourceConn");
        assertThatThrownBy(() -> PgLogicalConfig.of("mysql://x", "p", null, "t", null))
                .hasMessageContaining("--sourceConn").hasMessageContaining("use cdc-sink mylogical");
        assertThatThrownBy(() -> PgLogicalConfig.of("sqlserver://x", "p", null, "t", null))
                .hasMessageContaining("--sourceConn");
        assertThatThrownBy(() -> PgLogicalConfig.of(CONN, " ", null, "t", null))
                .hasMessageContaining("--publicationName");
        assertThatThrownBy(() -> PgLogicalConfig.of(CONN, "it's", null, "t", null))
                .hasMessageContaining("--publicationName");
        assertThatThrownBy(() -> PgLogicalConfig.of(CONN, "p", "Bad-Slot", "t", null))
                .hasMessageContaining("--slotName");
        assertThatThrownBy(() -> PgLogicalConfig.of(CONN, "p", null, "", null)).hasMessageContaining("--targetDB");
        assertThatThrownBy(() -> PgLogicalConfig.of(CONN, "p", null, "t", Duration.ZERO))
                .hasMessageContaining("--standbyTimeout");
    }

    @Test
    void optionsAreTheFlagsAndRoundTrip() {
        PgLogicalConfig c = PgLogicalConfig.fromOptions(Options.of(Map.of("sourceConn", CONN, "publicationName",
                "my_pub", "targetDB", "target", "standbyTimeout", "1500ms", "fanShards", "4")));
        assertThat(c.slotName()).isEqualTo(PgLogicalConfig.DEFAULT_SLOT_NAME);
        assertThat(c.standbyTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(PgLogicalConfig.fromOptions(Options.of(c.toOptions()))).isEqualTo(c);
        Map<String, String> misspelt = new HashMap<>(c.toOptions());
        misspelt.put("slot", "x");
        assertThatThrownBy(() -> PgLogicalConfig.fromOptions(Options.of(misspelt)))
                .hasMessageStartingWith("unknown option --slot; known: [");
        assertThatThrownBy(() -> PgLogicalConfig.fromOptions(Options.of(Map.of("sourceConn", CONN,
                "targetDB", "t")))).hasMessageContaining("--publicationName");
    }
}
