package io.cdcsink.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Hlc;
import io.cdcsink.engine.ReplicationRecorder.Mode;
import io.cdcsink.api.SchemaName;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration THRESHOLD = Duration.ofSeconds(30);
    private static final SchemaName SCHEMA = new SchemaName("db", "public");
    private final MutableClock clock = new MutableClock(T0);
    private final ReplicationStatus status = new ReplicationStatus(clock);

    @Test
    void silentWithoutNewRowsAndWithSmallLag() {
        status.applied(SCHEMA.table("t"), Mode.CONSISTENT, new ApplyResult(5, 0));
        StatusSnapshot before = status.snapshot();
        clock.advance(Duration.ofSeconds(10));
        assertThat(ProgressLine.between(before, status.snapshot(), THRESHOLD)).isEmpty();
    }

    @Test
    void reportsRowsRatePositionAndLag() {
        StatusSnapshot before = status.snapshot();
        clock.advance(Duration.ofSeconds(10));
        status.applied(SCHEMA.table("t"), Mode.CONSISTENT, new ApplyResult(2000, 500));
        Hlc resolved = new Hlc(T0.toEpochMilli() * 1_000_000, 0);
        status.resolved(SCHEMA, resolved);
        status.loop("pg").position("0/16B3748", T0);
        status.schemaFailed(SCHEMA, Mode.CONSISTENT, "oops");

        assertThat(ProgressLine.between(before, status.snapshot(), THRESHOLD)).contains(
                "progress: 2500 rows applied (2500 in the last 10 s, 250.0 rows/s); db.public resolved "
                        + resolved + ", loop pg (consistent) at 0/16B3748; lag 10.0 s; 1 new error(s)");
    }

    @Test
    void reportsAStuckReplicatorWhoseLagGrows() {
        status.resolved(SCHEMA, new Hlc(T0.toEpochMilli() * 1_000_000, 0));
        StatusSnapshot before = status.snapshot();
        clock.advance(Duration.ofSeconds(40));
        assertThat(ProgressLine.between(before, status.snapshot(), THRESHOLD)).hasValueSatisfying(line ->
                assertThat(line).startsWith("progress: 0 rows applied (0 in the last 40 s, 0.0 rows/s)")
                        .endsWith("; lag 40.0 s"));
    }

    @Test
    void aStuckReplicatorIsReportedAtMostOnceAMinuteNewRowsEveryTime() {
        StatusReporter reporter = new StatusReporter(status);
        status.resolved(SCHEMA, new Hlc(T0.toEpochMilli() * 1_000_000, 0));
        clock.advance(Duration.ofSeconds(40));
        long nanos = 0;
        StatusSnapshot before = status.snapshot();
        int lines = 0;
        for (int tick = 0; tick < 12; tick++) {
            clock.advance(Duration.ofSeconds(10));
            nanos += Duration.ofSeconds(10).toNanos();
            StatusSnapshot now = status.snapshot();
            lines += reporter.progressLine(before, now, nanos).isPresent() ? 1 : 0;
            before = now;
        }
        assertThat(lines).as("two minutes of a stuck replicator").isEqualTo(2);
        status.applied(SCHEMA.table("t"), Mode.CONSISTENT, new ApplyResult(1, 0));
        assertThat(reporter.progressLine(before, status.snapshot(), nanos + 1)).isPresent();
    }
}
