package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FanApplierTest {
    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void shardsLingerATenthOfHowFarBehindTheLoopIsWithinBounds() {
        assertThat(FanApplier.lingerNanos(0)).as("caught up").isEqualTo(millis(5));
        assertThat(FanApplier.lingerNanos(-millis(3_000))).as("source clock ahead").isEqualTo(millis(5));
        assertThat(FanApplier.lingerNanos(millis(40))).isEqualTo(millis(5));
        assertThat(FanApplier.lingerNanos(millis(800))).isEqualTo(millis(80));
        assertThat(FanApplier.lingerNanos(millis(2_000))).isEqualTo(millis(200));
        assertThat(FanApplier.lingerNanos(TimeUnit.DAYS.toNanos(3))).as("an old backlog").isEqualTo(millis(200));
    }
}
