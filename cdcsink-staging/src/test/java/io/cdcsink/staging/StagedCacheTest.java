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

    @Test
    void aWindowHoldsTheNewestMutationPerKeyAndCountsEveryTimeAndKey() {
        StagedCache cache = new StagedCache(1 << 20);
        cache.add(T, List.of(upsert(100, 0, 1, "a"), upsert(200, 0, 1, "b"), upsert(150, 0, 2, "c"),
                Mutation.delete(new Hlc(250, 0), "[2]"), upsert(300, 0, 3, "later")));
        cache.add(U, List.of(upsert(150, 0, 1, "other table")));
        StagedCache.Window w = cache.window(T, Optional.empty(), new Hlc(250, 0));
        assertThat(w.entries()).isEqualTo(4);
        assertThat(w.newestPerKey()).containsExactlyInAnyOrder(upsert(200, 0, 1, "b"),
                Mutation.delete(new Hlc(250, 0), "[2]"));
        assertThat(cache.window(T, Optional.of(new Hlc(100, 0)), new Hlc(200, 0)).entries())
                .as("after 100: the rows at 150 and 200").isEqualTo(2);
        assertThat(cache.window(U, Optional.empty(), new Hlc(250, 0)).newestPerKey())
                .containsExactly(upsert(150, 0, 1, "other table"));
    }

    @Test
    void theSameTimeAndKeyAgainReplacesAndIsCountedOnce() {
        StagedCache cache = new StagedCache(1 << 20);
        cache.add(T, List.of(upsert(100, 0, 1, "a")));
        long one = cache.bytes();
        cache.add(T, List.of(upsert(100, 0, 1, "b")));
        assertThat(cache.bytes()).isEqualTo(one);
        StagedCache.Window w = cache.window(T, Optional.empty(), new Hlc(100, 0));
        assertThat(w.entries()).isOne();
        assertThat(w.newestPerKey()).containsExactly(upsert(100, 0, 1, "b"));
    }

    @Test
    void appliedWindowsAreForgottenAndLateMutationsForThemNotKept() {
        StagedCache cache = new StagedCache(1 << 20);
        cache.add(T, List.of(upsert(100, 0, 1, "a"), upsert(200, 0, 2, "b")));
        cache.removeThrough(T, new Hlc(100, 0));
        cache.add(T, List.of(upsert(90, 0, 3, "late")));
        assertThat(cache.window(T, Optional.empty(), new Hlc(300, 0)).newestPerKey())
                .containsExactly(upsert(200, 0, 2, "b"));
        // Reading the window after 200 leaves out what is at or before it, and forgets nothing.
        assertThat(cache.window(T, Optional.of(new Hlc(200, 0)), new Hlc(300, 0)).entries()).isZero();
        assertThat(cache.window(T, Optional.of(new Hlc(100, 0)), new Hlc(200, 0)).entries()).isOne();
        assertThat(cache.window(T, Optional.of(new Hlc(200, 0)), new Hlc(100, 0)).entries()).isZero();
        cache.removeThrough(T, new Hlc(200, 0));
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void whatDoesNotFitTheBudgetIsNotKept() {
        StagedCache cache = new StagedCache(500);
        cache.add(T, List.of(upsert(100, 0, 1, "a"), upsert(110, 0, 2, "b"), upsert(120, 0, 3, "c"),
                upsert(130, 0, 4, "d")));
        StagedCache.Window w = cache.window(T, Optional.empty(), new Hlc(200, 0));
        assertThat(w.entries()).as("about 180 bytes each").isEqualTo(2);
        assertThat(cache.bytes()).isLessThanOrEqualTo(500);
        cache.removeThrough(T, new Hlc(200, 0));
        cache.add(T, List.of(upsert(300, 0, 5, "e")));
        assertThat(cache.window(T, Optional.empty(), new Hlc(300, 0)).entries()).as("room again").isOne();
    }
}
