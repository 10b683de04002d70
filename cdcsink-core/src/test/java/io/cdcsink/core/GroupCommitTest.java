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
        Future<?> first = submit(group, List.of(1));
        awaitTransactions(1);
        Future<?> second = submit(group, List.of(2));
        awaitWaiting(group, 1);
        Future<?> third = submit(group, List.of(3));
        awaitWaiting(group, 2);
        Future<?> fourth = submit(group, List.of(4));
        awaitWaiting(group, 3);
        release.countDown();
        for (Future<?> f : List.of(first, second, third, fourth)) {
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
        Future<?> first = submit(group, List.of(1));
        awaitTransactions(1);
        Future<?> good = submit(group, List.of(2));
        awaitWaiting(group, 1);
        Future<?> bad = submit(group, List.of(13));
        awaitWaiting(group, 2);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        good.get(10, TimeUnit.SECONDS);
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
        Future<?> first = submit(group, List.of(1));
        awaitTransactions(1);
        Future<?> a = submit(group, List.of(2));
        awaitWaiting(group, 1);
        Future<?> b = submit(group, List.of(3));
        awaitWaiting(group, 2);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> f : List.of(a, b)) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isSameAs(down);
        }
        assertThat(transactions).hasSize(2);
    }

    @Test
    void combiningStopsAtTheRowLimitAndABiggerBatchIsWrittenAlone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<List<Integer>> group = blockingFirst(1, release, b -> { });
        int half = GroupCommit.MAX_ROWS / 2;
        Future<?> first = submit(group, List.of(0));
        awaitTransactions(1);
        List<Future<?>> waiting = new ArrayList<>();
        // Four batches of half the limit, queued one after the other, then one over the limit.
        for (int i = 0; i < 4; i++) {
            waiting.add(submit(group, ids(1 + i * half, half)));
            awaitWaiting(group, i + 1);
        }
        waiting.add(submit(group, ids(1 + 4 * half, GroupCommit.MAX_ROWS + 1)));
        awaitWaiting(group, 5);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> f : waiting) {
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

    private Future<?> submit(GroupCommit<List<Integer>> group, List<Integer> batch) {
        return callers.submit(() -> group.write(batch));
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
