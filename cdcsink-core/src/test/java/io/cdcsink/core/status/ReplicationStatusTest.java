package io.cdcsink.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Hlc;
import io.cdcsink.engine.ReplicationRecorder.Mode;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.core.status.StatusSnapshot.SchemaView;
import io.cdcsink.core.status.StatusSnapshot.TableView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationStatusTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SchemaName SCHEMA = new SchemaName("db", "public");
    private static final TableName A = SCHEMA.table("a");
    private static final TableName B = SCHEMA.table("b");

    private final MutableClock clock = new MutableClock(T0);
    private final ReplicationStatus status = new ReplicationStatus(clock);

    @Test
    void countsCommittedRowsPerTableAndSumsThemPerSchemaAndOverall() {
        status.applied(A, Mode.CONSISTENT, new ApplyResult(3, 1));
        status.applied(A, Mode.CONSISTENT, new ApplyResult(2, 0));
        status.applied(B, Mode.IMMEDIATE, new ApplyResult(0, 4));

        StatusSnapshot s = status.snapshot();
        assertThat(s.rowsApplied()).isEqualTo(10);
        assertThat(s.tables()).extracting(TableView::table).containsExactly(A, B);
        TableView a = s.tables().get(0);
        assertThat(a.upserts()).isEqualTo(5);
        assertThat(a.deletes()).isEqualTo(1);
        assertThat(a.lastApplied()).contains(T0);
        assertThat(s.tables().get(1).mode()).isEqualTo("immediate");
        assertThat(s.schemas()).singleElement().satisfies(v -> {
            assertThat(v.schema()).isEqualTo(SCHEMA);
            assertThat(v.rowsApplied()).isEqualTo(10);
            assertThat(v.resolved()).isEmpty();
            assertThat(v.lag()).isEmpty();
        });
        assertThat(s.lag()).isEmpty();
    }

    @Test
    void schemaLagIsNowMinusTheWallTimeOfTheNewestResolvedTimestamp() {
        Hlc older = new Hlc(T0.minusSeconds(30).toEpochMilli() * 1_000_000, 0);
        Hlc newer = new Hlc(T0.minusSeconds(5).toEpochMilli() * 1_000_000, 2);
        status.resolved(SCHEMA, newer);
        status.resolved(SCHEMA, older); // e.g. an idle read racing an apply: never goes backwards

        SchemaView v = status.snapshot().schemas().get(0);
        assertThat(v.resolved()).contains(newer);
        assertThat(v.resolvedTime()).contains(T0.minusSeconds(5));
        assertThat(v.lag()).contains(Duration.ofSeconds(5));
        assertThat(v.mode()).isEqualTo("consistent");
        clock.advance(Duration.ofSeconds(10));
        assertThat(status.snapshot().lag()).contains(Duration.ofSeconds(15));
    }

    @Test
    void failuresAreCountedWithTheLastMessageAndTime() {
        status.tableFailed(A, "first");
        clock.advance(Duration.ofSeconds(1));
        status.tableFailed(A, "second");
        status.schemaFailed(SCHEMA, Mode.IMMEDIATE, "bad input");

        StatusSnapshot s = status.snapshot();
        TableView a = s.tables().get(0);
        assertThat(a.errors()).isEqualTo(2);
        assertThat(a.lastError()).hasValueSatisfying(e -> {
            assertThat(e.message()).isEqualTo("second");
            assertThat(e.time()).isEqualTo(T0.plusSeconds(1));
        });
        assertThat(s.schemas().get(0).errors()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(3);
    }

    @Test
    void errorMessagesNeverShowPasswords() {
        status.tableFailed(A, "cannot connect to postgresql://app:s3cret@db:5432/x?password=hunter2&sslmode=off");
        String shown = status.snapshot().tables().get(0).lastError().orElseThrow().message();
        assertThat(shown).doesNotContain("s3cret").doesNotContain("hunter2")
                .contains("postgresql://app:***@db:5432/x").contains("sslmode=off");
        status.tableFailed(A, "x".repeat(5000));
        assertThat(status.snapshot().tables().get(0).lastError().orElseThrow().message())
                .hasSizeLessThan(Redaction.MAX_MESSAGE + 10);
    }

    @Test
    void loopsReportPositionModeLagRowsAndFailures() {
        ReplicationStatus.Loop loop = status.loop("pg");
        assertThat(status.loop("pg")).isSameAs(loop);
        loop.mode(Mode.BACKFILL);
        loop.position("0/16B3748", T0.minusSeconds(60));
        loop.lag(Duration.ofSeconds(60));
        loop.applied(7);
        loop.failed("replication loop pg failed: gone");

        StatusSnapshot s = status.snapshot();
        assertThat(s.loops()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("pg");
            assertThat(v.mode()).isEqualTo("backfill");
            assertThat(v.position()).contains("0/16B3748");
            assertThat(v.commitTime()).contains(T0.minusSeconds(60));
            assertThat(v.lag()).contains(Duration.ofSeconds(60));
            assertThat(v.rowsApplied()).isEqualTo(7);
            assertThat(v.errors()).isEqualTo(1);
        });
        assertThat(s.lag()).contains(Duration.ofSeconds(60));
        assertThat(s.errors()).isEqualTo(1);
    }

    @Test
    void lagHistoryKeepsTheLastTenMinutesOfSamplesOldestFirst() {
        status.sample(); // nothing knows its lag yet: no sample
        assertThat(status.snapshot().lagHistory()).isEmpty();
        ReplicationStatus.Loop loop = status.loop("pg");
        for (int i = 0; i < ReplicationStatus.LAG_SAMPLES + 5; i++) {
            loop.lag(Duration.ofSeconds(i));
            status.sample();
            clock.advance(Duration.ofSeconds(1));
        }
        List<StatusSnapshot.LagSample> h = status.snapshot().lagHistory();
        assertThat(h).hasSize(ReplicationStatus.LAG_SAMPLES);
        assertThat(h.get(0).lagSeconds()).isEqualTo(5.0);
        assertThat(h.get(0).time()).isEqualTo(T0.plusSeconds(5));
        assertThat(h.get(h.size() - 1).lagSeconds()).isEqualTo(ReplicationStatus.LAG_SAMPLES + 4.0);
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            TableName table = SCHEMA.table("t" + (t % 2));
            Thread th = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    status.applied(table, Mode.IMMEDIATE, new ApplyResult(1, 0));
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(status.snapshot().rowsApplied()).isEqualTo(8_000);
        assertThat(status.snapshot().tables()).extracting(TableView::rowsApplied).containsExactly(4_000L, 4_000L);
        assertThat(status.snapshot().lag()).isEqualTo(Optional.empty());
    }
}
