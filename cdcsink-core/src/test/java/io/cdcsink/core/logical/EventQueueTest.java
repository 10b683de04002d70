package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    private static final TableName TABLE = new TableName("db", "public", "t");
    private static final RowShape ID = new RowShape(List.of("id"), List.of(0));

    private static SourceRow id(int id) {
        return SourceRow.of(ID, new String[] {Integer.toString(id)});
    }

    private final InFlight budget = new InFlight(1 << 20, () -> { });
    private final EventQueue queue = new EventQueue(budget, new AtomicReference<>(), new AtomicLong(), 10);

    @Test
    void eventsArriveInOrderAcrossThreadsWithTransactionsNumberedOnFromTheFirst() throws Exception {
        int transactions = 20_000;
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                for (int t = 0; t < transactions; t++) {
                    queue.begin();
                    queue.upsert(TABLE, id(t));
                    queue.commit(new LogicalPosition("0/" + Integer.toHexString(t + 1), Instant.EPOCH));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        List<SourceEvent> seen = new ArrayList<>();
        while (seen.size() < 2 * transactions) {
            SourceEvent e = queue.poll(10_000);
            assertThat(e).as("event %d within the timeout", seen.size()).isNotNull();
            seen.add(e);
            queue.release(e);
        }
        reader.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < transactions; i++) {
            int t = i;
            SourceEvent row = seen.get(2 * t);
            SourceEvent commit = seen.get(2 * t + 1);
            assertThat(row).isInstanceOfSatisfying(SourceEvent.Row.class, r -> {
                assertThat(r.txn()).isEqualTo(11 + t);
                assertThat(r.change().row().keyJson()).isEqualTo("[\"" + t + "\"]");
            });
            assertThat(commit).isInstanceOfSatisfying(SourceEvent.Commit.class, c -> {
                assertThat(c.txn()).isEqualTo(11 + t);
                assertThat(c.position().text()).isEqualTo("0/" + Integer.toHexString(t + 1));
            });
        }
        assertThat(queue.isEmpty()).isTrue();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aSleepingApplySideIsWokenByTheNextEventNotByItsTimeout() throws Exception {
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                SourceEvent e = queue.poll(60_000);
                assertThat(e).isInstanceOf(SourceEvent.Row.class);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        });
        Thread.sleep(200); // the apply side is past its nap and asleep
        queue.begin();
        queue.upsert(TABLE, id(1));
        assertThat(waited.get(30, TimeUnit.SECONDS)).as("ms waited of the 60,000 allowed").isLessThan(30_000);
    }

    @Test
    void anEmptyQueueTimesOut() throws InterruptedException {
        long start = System.nanoTime();
        assertThat(queue.poll(30)).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(queue.poll(0)).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void deletesAndRollbacksComeOutAsHanded() throws InterruptedException {
        queue.begin();
        queue.upsert(TABLE, id(1));
        queue.delete(TABLE, id(2));
        queue.rollback();
        assertThat(queue.isEmpty()).isFalse();
        assertThat(queue.poll(60_000)).isInstanceOf(SourceEvent.Row.class);
        assertThat(queue.poll(60_000)).isInstanceOfSatisfying(SourceEvent.Row.class,
                r -> assertThat(r.change().delete()).isTrue());
        assertThat(queue.poll(60_000)).isInstanceOf(SourceEvent.Rollback.class);
        assertThat(queue.isEmpty()).isTrue();
    }
}
