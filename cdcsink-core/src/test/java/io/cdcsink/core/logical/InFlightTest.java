package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTest {
    @Test
    void reportsWhenMoreThanHalfTheBudgetIsHeld() throws InterruptedException {
        AtomicInteger waits = new AtomicInteger();
        InFlight budget = new InFlight(1_000, waits::incrementAndGet);
        budget.acquire(500);
        assertThat(budget.overHalf()).as("exactly half").isFalse();
        budget.acquire(1);
        assertThat(budget.overHalf()).isTrue();
        assertThat(budget.used()).isEqualTo(501);
        budget.release(501);
        assertThat(budget.overHalf()).isFalse();
        assertThat(waits).hasValue(0);
    }

    @Test
    void anEventLargerThanTheBudgetTakesAllOfIt() throws InterruptedException {
        InFlight budget = new InFlight(1_000, () -> { });
        budget.acquire(5_000);
        assertThat(budget.used()).isEqualTo(1_000);
        assertThat(budget.overHalf()).isTrue();
        budget.release(5_000);
        assertThat(budget.used()).isZero();
    }
}
