package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Options;
import io.cdcsink.api.SourceContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.cdcsink.engine.SchemaEvolution;
import org.junit.jupiter.api.Test;

class LogicalConfigTest {
    @Test
    void optionsTakeTheSpecsDefaultsAndTheProvidersNameAsLoopName() {
        LogicalConfig c = LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "app")), "pglogical");
        assertThat(c).isEqualTo(LogicalConfig.defaults("pglogical", "app"));
        assertThat(c.toOptions().keySet()).isEqualTo(SourceContext.LOGICAL_OPTIONS);
    }

    @Test
    void everySettingRoundTripsThroughItsOption() {
        LogicalConfig c = new LogicalConfig("loop", "db", true, Duration.ofMinutes(10), 7, 4096,
                Duration.ofMillis(1500), Duration.ofNanos(300), Duration.ofHours(1), SchemaEvolution.ADDITIVE,
                SnapshotConfig.of("initial", "a, public.b", 3, 500, "public.c=x,y;d=z"));
        assertThat(c.snapshot().tables()).containsExactly("a", "public.b");
        assertThat(c.snapshot().keys()).containsEntry("public.c", List.of("x", "y")).containsEntry("d", List.of("z"));
        assertThat(LogicalConfig.fromOptions(Options.of(c.toOptions()), "other")).isEqualTo(c);
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of()), "x"))
                .hasMessage("no target database specified: set --targetDB");
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "a", "fanShards", "0")),
                "x")).hasMessage("--fanShards must be at least 1, was 0");
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "a", "retryDelay", "10")),
                "x")).hasMessageStartingWith("--retryDelay: invalid duration \"10\"");
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "a", "schemaEvolution",
                "all")), "x")).hasMessage("--schemaEvolution: \"all\" is not one of none, additive");
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "a", "snapshot",
                "full")), "x")).hasMessage("--snapshot must be none or initial, was \"full\"");
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "a", "snapshotKey",
                "t")), "x")).hasMessage("--snapshotKey \"t\": expected table=column[,column...], e.g. public.events=id,seq");
        assertThatThrownBy(() -> LogicalConfig.fromOptions(Options.of(Map.of("targetDB", "a", "snapshotWorkers",
                "0")), "x")).hasMessage("--snapshotWorkers must be between 1 and 64, was 0");
    }
}
