package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.LogicalPosition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AppliedCommitsTest {
    private final AppliedCommits commits = new AppliedCommits();

    private static SourceEvent.Commit commit(long txn) {
        return new SourceEvent.Commit(txn, new LogicalPosition("0/" + txn, Instant.EPOCH), EventQueue.MARKER_BYTES);
    }

    @Test
    void aCommitIsAppliedOnceTheShardsArePastItsTransaction() {
        for (long txn = 1; txn <= 5; txn++) {
            commits.dispatched(commit(txn));
        }
        commits.shardsAt(3); // a row of transaction 3 is still queued
        assertThat(commits.newest()).isEqualTo(new AppliedCommits.Applied(commit(2), 2));
        assertThat(commits.waiting()).isEqualTo(3);

        commits.shardsAt(3);
        assertThat(commits.newest()).as("unchanged until stored").isEqualTo(new AppliedCommits.Applied(commit(2), 2));
        commits.stored();
        assertThat(commits.newest()).as("nothing new since the store").isNull();

        commits.shardsAt(Long.MAX_VALUE); // the shards ran dry
        assertThat(commits.newest()).isEqualTo(new AppliedCommits.Applied(commit(5), 3));
        assertThat(commits.waiting()).isZero();
    }

    @Test
    void commitsAppliedBeforeAFailedStoreCountAtTheNextStore() {
        commits.dispatched(commit(1));
        commits.shardsAt(Long.MAX_VALUE);
        assertThat(commits.newest()).isEqualTo(new AppliedCommits.Applied(commit(1), 1));
        // The store failed: stored() was not called.
        commits.dispatched(commit(2));
        commits.shardsAt(Long.MAX_VALUE);
        assertThat(commits.newest()).isEqualTo(new AppliedCommits.Applied(commit(2), 2));
    }

    @Test
    void onlyTheTransactionsOfQueuedRowsAreHeldHoweverLongSinceTheLastStore() {
        // A million 1-row transactions, each dispatched and applied before the next, and never stored.
        int mostWaiting = 0;
        for (long txn = 1; txn <= 1_000_000; txn++) {
            commits.dispatched(commit(txn));
            mostWaiting = Math.max(mostWaiting, commits.waiting());
            commits.shardsAt(txn + 1);
        }
        assertThat(mostWaiting).isOne();
        assertThat(commits.waiting()).isZero();
        assertThat(commits.newest()).isEqualTo(new AppliedCommits.Applied(commit(1_000_000), 1_000_000));
    }
}
