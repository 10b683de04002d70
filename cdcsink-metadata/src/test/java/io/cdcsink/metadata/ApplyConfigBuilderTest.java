package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.TableConfig;
import io.cdcsink.api.TableName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApplyConfigBuilderTest {
    private static final TableName T = new TableName("db", "public", "t");
    private static final TableName U = new TableName("db", "public", "u");

    private static ApplyConfigRow row(TableName t, String column, int cas) {
        return new ApplyConfigRow(t, column, cas, Duration.ZERO, "", false, false, "");
    }

    @Test
    void buildsOneConfigPerTable() {
        var out = ApplyConfigBuilder.build(List.of(
                row(T, "minor", 2), row(T, "major", 1),
                new ApplyConfigRow(T, "ts", 0, Duration.ofMinutes(1), "", false, false, ""),
                new ApplyConfigRow(T, "v", 0, Duration.ofSeconds(-1), "2 * $0", false, false, "src_v"),
                new ApplyConfigRow(T, "over", 0, Duration.ZERO, "", true, false, ""),
                new ApplyConfigRow(U, "dropme", 0, Duration.ZERO, "", false, true, "")));
        assertThat(out.get(T).config()).contains(new TableConfig(List.of("major", "minor"),
                Map.of("ts", Duration.ofMinutes(1)), Map.of("v", "2 * $0"), Optional.of("over"), Set.of(),
                Map.of("v", "src_v")));
        assertThat(out.get(U).config()).contains(new TableConfig(List.of(), Map.of(), Map.of(), Optional.empty(),
                Set.of("dropme"), Map.of()));
    }

    @Test
    void rejectsGapsDuplicatesAndTwoExtras() {
        assertThat(ApplyConfigBuilder.build(List.of(row(T, "a", 2))).get(T).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("1 is missing (column a has cas_order 2)"));
        assertThat(ApplyConfigBuilder.build(List.of(row(T, "a", 1), row(T, "b", 1))).get(T).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("cas_order 1 is used by both columns a and b"));
        assertThat(ApplyConfigBuilder.build(List.of(
                new ApplyConfigRow(T, "a", 0, Duration.ZERO, "", true, false, ""),
                new ApplyConfigRow(T, "b", 0, Duration.ZERO, "", true, false, ""))).get(T).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("a and b are both configured as the extras"));
    }
}
