package io.cdcsink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private final Options options = Options.of(Map.of("on", "true", "off", "False", "n", " 12 ", "big",
            "10485760", "wait", "1m30s", "file", "/tmp/x", "blank", " ", "bad", "maybe"));

    @Test
    void readsEachKindWithItsDefault() {
        assertThat(options.bool("on", false)).isTrue();
        assertThat(options.bool("off", true)).isFalse();
        assertThat(options.bool("missing", true)).isTrue();
        assertThat(options.integer("n", 0)).isEqualTo(12);
        assertThat(options.integer("big", 0L)).isEqualTo(10_485_760L);
        assertThat(options.duration("wait", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.duration("missing", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.path("file")).contains(Path.of("/tmp/x"));
        assertThat(options.path("blank")).isEmpty();
        assertThat(options.string("missing")).isEqualTo(Optional.empty());
        assertThat(options.string("missing", "d")).isEqualTo("d");
        assertThat(options.required("n")).isEqualTo(" 12 ");
    }

    @Test
    void errorsNameTheFlagAndSayWhatItTakes() {
        assertThatThrownBy(() -> options.bool("bad", false)).hasMessage("--bad must be true or false, was \"maybe\"");
        assertThatThrownBy(() -> options.integer("bad", 1)).hasMessage("--bad must be a whole number, was \"maybe\"");
        assertThatThrownBy(() -> options.duration("bad", Duration.ZERO))
                .hasMessageStartingWith("--bad: invalid duration \"maybe\"");
        assertThatThrownBy(() -> options.required("blank")).hasMessage("--blank is required");
        assertThatThrownBy(() -> options.required("missing")).hasMessage("--missing is required");
        assertThatThrownBy(() -> Options.of(Map.of("fanshards", "4")).requireOnly(Set.of("fanShards")))
                .hasMessage("unknown option --fanshards; known: [fanShards]");
    }

    @Test
    void durationsAsTheOriginalWritesThemAndBackExactly() {
        assertThat(Options.duration("0")).isZero();
        assertThat(Options.duration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Options.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Options.duration("-2s")).isEqualTo(Duration.ofSeconds(-2));
        assertThat(Options.duration("3us")).isEqualTo(Duration.ofNanos(3000));
        assertThatThrownBy(() -> Options.duration("10")).hasMessageContaining("use a number with a unit");
        assertThatThrownBy(() -> Options.duration("5 s")).hasMessageContaining("use a number with a unit");
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofSeconds(30), Duration.ofMillis(1500),
                Duration.ofNanos(7), Duration.ofHours(25), Duration.ofNanos(1_000_000_001)}) {
            assertThat(Options.duration(Options.text(d))).as(Options.text(d)).isEqualTo(d);
        }
        assertThat(Options.text(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Options.text(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
