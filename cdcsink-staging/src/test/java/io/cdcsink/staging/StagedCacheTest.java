package io.cdcsink.staging;

import static io.cdcsink.testing.TestDatabase.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StagedCacheTest {
    private static final TableName T = new TableName("db", "app", "t");
    private static final TableName U = new TableName("db", "app", "u");

    private static StagedBatch batch(long id, Mutation... mutations) {
        return StagedBatch.of(List.of(mutations), id);
    }

    private static Optional<Hlc> after(long nanos) {
        return Optional.of(new Hlc(nanos, 0));
    }

    @Test
    void aWindowHoldsTheNewestMutationPerKeyOfItsBatchesWithTimesInsideIt() {
        StagedCache cache = new StagedCache(1 << 20);
        cache.add(T, batch(1, upsert(100, 0, 1, "a"), upsert(200, 0, 1, "b"), upsert(150, 0, 2, "c")));
        cache.add(T, batch(2, Mutation.delete(new Hlc(250, 0), "[2]"), upsert(300, 0, 3, "later")));
        cache.add(U, batch(3, upsert(150, 0, 1, "other table")));

        StagedCache.Window w = cache.window(T, Optional.empty(), new Hlc(250, 0), List.of(1L, 2L)).orElseThrow();
        assertThat(w.entries()).as("the mutation at 300 is after the window").isEqualTo(4);
        assertThat(w.batches()).containsExactly(1L, 2L);
        assertThat(w.newestPerKey()).containsExactlyInAnyOrder(upsert(200, 0, 1, "b"),
                Mutation.delete(new Hlc(250, 0), "[2]"));
        assertThat(cache.window(T, after(100), new Hlc(200, 0), List.of(1L)).orElseThrow().entries())
                .as("after 100: the mutations at 150 and 200 of the one batch overlapping it").isEqualTo(2);
        assertThat(cache.window(U, Optional.empty(), new Hlc(250, 0), List.of(3L)).orElseThrow().newestPerKey())
                .containsExactly(upsert(150, 0, 1, "other table"));
    }

    @Test
    void aWindowIsTakenOnlyWhenTheTablesBatchesAreExactlyTheKeptOnes() {
        StagedCache cache = new StagedCache(1 << 20);
        cache.add(T, batch(1, upsert(100, 0, 1, "a")));
        cache.add(T, batch(2, upsert(150, 0, 2, "b")));

        assertThat(cache.holds(T, Optional.empty(), new Hlc(200, 0))).isTrue();
        assertThat(cache.holds(T, after(150), new Hlc(200, 0))).isFalse();
        assertThat(cache.window(T, Optional.empty(), new Hlc(200, 0), List.of(2L, 1L))).isPresent();
        assertThat(cache.window(T, Optional.empty(), new Hlc(200, 0), List.of(1L)))
                .as("the table lost one: cannot be, so not from here").isEmpty();
        assertThat(cache.window(T, Optional.empty(), new Hlc(200, 0), List.of(1L, 2L, 3L)))
                .as("another instance staged into the window").isEmpty();
        assertThat(cache.window(T, Optional.empty(), new Hlc(200, 0), List.of(1L, 1L, 2L)))
                .as("the same id twice in the table").isEmpty();
        assertThat(cache.window(T, after(200), new Hlc(300, 0), List.of())).as("nothing kept, nothing staged")
                .isEmpty();
    }

    @Test
    void aRedeliveredBatchIsAnotherBatchAndChangesNoWindow() {
        StagedCache cache = new StagedCache(1 << 20);
        List<Mutation> request = List.of(upsert(100, 0, 1, "a"), upsert(110, 0, 2, "b"));
        cache.add(T, StagedBatch.of(request, 1));
        cache.add(T, StagedBatch.of(request, 2));
        StagedCache.Window w = cache.window(T, Optional.empty(), new Hlc(200, 0), List.of(1L, 2L)).orElseThrow();
        assertThat(w.entries()).isEqualTo(4);
        assertThat(w.newestPerKey()).containsExactlyInAnyOrderElementsOf(request);
    }

    @Test
    void aBatchStraddlingAnAppliedWindowStaysAndLateBatchesForAppliedWindowsAreNotKept() {
        StagedCache cache = new StagedCache(1 << 20);
        cache.add(T, batch(1, upsert(100, 0, 1, "a")));
        cache.add(T, batch(2, upsert(150, 0, 2, "b"), upsert(250, 0, 2, "c")));
        cache.removeThrough(T, new Hlc(200, 0));
        cache.add(T, batch(3, upsert(90, 0, 3, "late"), upsert(200, 0, 3, "late too")));

        assertThat(cache.holds(T, Optional.empty(), new Hlc(120, 0))).as("batch 1 forgotten, 3 not kept").isFalse();
        StagedCache.Window next = cache.window(T, after(200), new Hlc(300, 0), List.of(2L)).orElseThrow();
        assertThat(next.newestPerKey()).as("the straddling batch's later mutation")
                .containsExactly(upsert(250, 0, 2, "c"));
        assertThat(next.entries()).isOne();
        assertThat(cache.window(T, after(200), new Hlc(240, 0), List.of(2L)).orElseThrow().newestPerKey())
                .as("reading forgets nothing, and nothing of it lies in (200, 240]").isEmpty();
        cache.removeThrough(T, new Hlc(300, 0));
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void aBatchThatDoesNotFitTheBudgetIsNotKeptAtAll() {
        StagedCache cache = new StagedCache(800);
        cache.add(T, batch(1, upsert(100, 0, 1, "a"), upsert(110, 0, 2, "b")));
        long one = cache.bytes();
        assertThat(one).as("two mutations of about 180 bytes and a batch").isBetween(400L, 800L);
        cache.add(T, batch(2, upsert(120, 0, 3, "c"), upsert(130, 0, 4, "d")));
        assertThat(cache.bytes()).isEqualTo(one);
        assertThat(cache.window(T, Optional.empty(), new Hlc(200, 0), List.of(1L, 2L))).isEmpty();
        cache.removeThrough(T, new Hlc(200, 0));
        cache.add(T, batch(3, upsert(300, 0, 5, "e")));
        assertThat(cache.window(T, Optional.empty(), new Hlc(300, 0), List.of(3L))).as("room again").isPresent();
    }
}
