package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static List<Duration> take(Backoff b, int n) {
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.next());
        }
        return out;
    }

    @Test
    void startsAtTheBaseDoublesAndStopsAtTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        assertThat(take(b, 7)).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void resetStartsOverAtTheBase() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        take(b, 4);
        b.reset();
        assertThat(take(b, 2)).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aBaseAboveTheCapIsUsedAsIs() {
        Backoff b = new Backoff(Duration.ofMinutes(2), Backoff.DEFAULT_CAP);
        assertThat(take(b, 3)).containsOnly(Duration.ofMinutes(2));
    }

    @Test
    void neverOverflowsWithManyFailures() {
        Backoff b = new Backoff(Duration.ofNanos(1), Duration.ofSeconds(30));
        List<Duration> waits = take(b, 200);
        assertThat(waits.get(199)).isEqualTo(Duration.ofSeconds(30));
        assertThat(waits).isSorted();
    }

    @Test
    void refusesANonPositiveBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
