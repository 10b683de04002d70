package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.testing.EmbeddedMariaDb;
import java.time.Duration;
import java.util.Optional;

/** Waits on a running {@code mylogical} loop, for the tests that run one against a MariaDB source. */
final class LoopWaits {
    private LoopWaits() {
    }

    /** Waits until the loop has made everything {@code source} committed so far durable in the target. */
    static void awaitApplied(LogicalLoop loop, EmbeddedMariaDb source, Duration wait) throws Exception {
        GtidSet want = GtidPositions.parse("mariadb:" + source.gtidBinlogPos());
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<LogicalPosition> at = loop.durablePosition();
            if (at.isPresent() && GtidPositions.parse(at.get().text()).contains(want)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the target did not reach " + want + " within " + wait.toSeconds()
                        + " s: it is at " + at.map(LogicalPosition::text).orElse("nothing") + "; loop problem: "
                        + loop.problem().orElse("none"));
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the loop reports a problem mentioning {@code text}, and returns it. */
    static String awaitProblem(LogicalLoop loop, String text, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!loop.problem().orElse("").contains(text)) {
            assertThat(System.nanoTime()).as("a loop problem mentioning %s; now: %s", text, loop.problem())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        return loop.problem().orElseThrow();
    }
}
