package io.cdcsink.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableConfigTest {
    @Test
    void emptyConfigAppliesRowsAsTheyCome() {
        assertThat(TableConfig.EMPTY.isEmpty()).isTrue();
        assertThat(TableConfig.EMPTY.conditional()).isFalse();
        assertThat(TableConfig.EMPTY.sourceName("c")).isEqualTo("c");
    }

    @Test
    void answersPerColumnQuestions() {
        TableConfig c = new TableConfig(List.of("v"), Map.of(), Map.of("a", "2 * $0", "b", "'x'"), Optional.empty(),
                Set.of("gone"), Map.of("a", "src_a"));
        assertThat(c.conditional()).isTrue();
        assertThat(c.constant("a")).isFalse();
        assertThat(c.constant("b")).isTrue();
        assertThat(c.sourceName("a")).isEqualTo("src_a");
        assertThat(c.referencedColumns()).containsExactly("v", "a", "b", "a");
        assertThat(c).isEqualTo(new TableConfig(List.of("v"), Map.of(), Map.of("b", "'x'", "a", "2 * $0"),
                Optional.empty(), Set.of("gone"), Map.of("a", "src_a")));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new TableConfig(List.of("v", "v"), Map.of(), Map.of(), Optional.empty(), Set.of(),
                Map.of())).hasMessageContaining("column v appears twice");
        assertThatThrownBy(() -> new TableConfig(List.of(), Map.of("ts", Duration.ZERO), Map.of(), Optional.empty(),
                Set.of(), Map.of())).hasMessageContaining("deadline of column ts must be positive");
        assertThatThrownBy(() -> new TableConfig(List.of(), Map.of(), Map.of("e", " "), Optional.empty(), Set.of(),
                Map.of())).hasMessageContaining("empty expression for column e");
    }
}
