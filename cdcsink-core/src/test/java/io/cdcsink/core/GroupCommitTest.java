package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TargetUnavailableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The combining logic on its own: a batch here is a list of row ids and the "transaction" records the batches it
 * was given, so the tests see which batches shared one. The pipeline's transactions against a real target are
 * covered by ReplicatorIT and the webhook's end-to-end tests.
 */
class GroupCommitTest {
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<List<List<Integer>>> transactions = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    @Test
    void aLoneBatchIsItsOwnTransaction() {
        GroupCommit<List<Integer>> group = new GroupCommit<>(2, List::size, transactions::add);
        group.write(List.of(1, 2));
        group.write(List.of(3));
        assertThat(transactions).containsExactly(List.of(List.of(1, 2)), List.of(List.of(3)));
    }

    @Test
    void batchesArrivingWhileTheWriterIsBusyShareTheNextTransaction() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<List<Integer>> group = blockingFirst(1, release, b -> { });
        for (Future<?> f : queuedBehindTheFirst(group, release,
                List.of(List.of(1), List.of(2), List.of(3), List.of(4)))) {
            f.get(10, TimeUnit.SECONDS);
        }
        // The three that waited share one transaction, in the order they arrived.
        assertThat(transactions).containsExactly(List.of(List.of(1)),
                List.of(List.of(2), List.of(3), List.of(4)));
    }

    @Test
    void aBadBatchInACombinedTransactionFailsAloneWithItsOwnError() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<List<Integer>> group = blockingFirst(1, release, batches -> {
            if (batches.stream().anyMatch(b -> b.contains(13))) {
                throw new BadInputException("row 13 is unlucky");
            }
        });
        List<Future<?>> futures = queuedBehindTheFirst(group, release, List.of(List.of(1), List.of(2), List.of(13)));
        futures.get(1).get(10, TimeUnit.SECONDS);
        Future<?> bad = futures.get(2);
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(BadInputException.class).hasMessage("row 13 is unlucky");
        // The combined attempt, then each batch alone: the good one is written, the bad one fails again.
        assertThat(transactions).containsExactly(List.of(List.of(1)), List.of(List.of(2), List.of(13)),
                List.of(List.of(2)), List.of(List.of(13)));
    }

    @Test
    void anUnavailableTargetFailsEveryBatchOfTheTransactionWithoutRetryingThemOneByOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TargetUnavailableException down = new TargetUnavailableException("target is down", null);
        GroupCommit<List<Integer>> group = blockingFirst(1, release, batches -> {
            if (transactions.size() > 1) {
                throw down;
            }
        });
        List<Future<?>> futures = queuedBehindTheFirst(group, release, List.of(List.of(1), List.of(2), List.of(3)));
        for (Future<?> f : futures.subList(1, 3)) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isSameAs(down);
        }
        assertThat(transactions).hasSize(2);
    }

    @Test
    void combiningStopsAtTheRowLimitAndABiggerBatchIsWrittenAlone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<List<Integer>> group = blockingFirst(1, release, b -> { });
        int half = GroupCommit.MAX_ROWS / 2;
        List<List<Integer>> batches = new ArrayList<>(List.of(List.of(0)));
        // Four batches of half the limit, queued one after the other, then one over the limit.
        for (int i = 0; i < 4; i++) {
            batches.add(ids(1 + i * half, half));
        }
        batches.add(ids(1 + 4 * half, GroupCommit.MAX_ROWS + 1));
        for (Future<?> f : queuedBehindTheFirst(group, release, batches)) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(transactions).extracting(t -> t.stream().mapToInt(List::size).sum())
                .containsExactly(1, GroupCommit.MAX_ROWS, GroupCommit.MAX_ROWS, GroupCommit.MAX_ROWS + 1);
    }

    @Test
    void asManyTransactionsRunAtOnceAsThereAreWriters() throws Exception {
        CountDownLatch bothInside = new CountDownLatch(2);
        GroupCommit<List<Integer>> group = new GroupCommit<>(2, List::size, b -> {
            bothInside.countDown();
            await(bothInside);
        });
        // Each write returns only once two transactions are inside at the same time.
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> group.write(List.of(1)), callers);
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> group.write(List.of(2)), callers);
        CompletableFuture.allOf(a, b).get(10, TimeUnit.SECONDS);
    }

    @Test
    void atLeastOneWriter() {
        assertThatThrownBy(() -> new GroupCommit<List<Integer>>(0, List::size, transactions::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    /** Records every transaction; the first waits for {@code release}; then {@code then} runs (it may throw). */
    private GroupCommit<List<Integer>> blockingFirst(int writers, CountDownLatch release,
                                                     GroupCommit.Transaction<List<Integer>> then) {
        return new GroupCommit<>(writers, List::size, batches -> {
            transactions.add(batches);
            if (transactions.size() == 1) {
                await(release);
            }
            then.write(batches);
        });
    }

    /**
     * Writes the first batch, whose transaction waits for {@code release}; queues the others behind it one by one, in
     * order; then releases it and waits for the first to return. The futures are in the order of the batches.
     */
    private List<Future<?>> queuedBehindTheFirst(GroupCommit<List<Integer>> group, CountDownLatch release,
                                                 List<List<Integer>> batches) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        futures.add(callers.submit(() -> group.write(batches.get(0))));
        awaitTransactions(1);
        for (int i = 1; i < batches.size(); i++) {
            List<Integer> batch = batches.get(i);
            futures.add(callers.submit(() -> group.write(batch)));
            awaitWaiting(group, i);
        }
        release.countDown();
        futures.get(0).get(10, TimeUnit.SECONDS);
        return futures;
    }

    private static List<Integer> ids(int from, int count) {
        return IntStream.range(from, from + count).boxed().toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitTransactions(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (transactions.size() < count) {
            assertThat(System.nanoTime()).as("transactions started").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static void awaitWaiting(GroupCommit<?> group, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (group.waiting() < count) {
            assertThat(System.nanoTime()).as("batches waiting").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
