package io.cdcsink.core.logical;

import java.util.ArrayDeque;

/**
 * Which dispatched source commits fan mode may store as durable: a commit is applied once the shards are past it,
 * that is when every row still queued in any shard belongs to a later transaction (rows of one transaction, and
 * transactions, are dispatched in source order). Used by the loop's thread only.
 *
 * <p>Commits leave the queue as soon as the shards are past them, so it holds the transactions of the rows in flight,
 * not every transaction since the last store, as the sorted map cleared at each store that it replaces did (with
 * 1-row transactions at 100,000 a second and stores 5 s apart, half a million entries outside {@code --bytesInFlight}).
 */
final class AppliedCommits {
    /** Dispatched commits, oldest first, that rows still queued may belong to. */
    private final ArrayDeque<SourceEvent.Commit> unapplied = new ArrayDeque<>();
    /** The newest applied commit not yet taken; null when there is none. */
    private SourceEvent.Commit applied;
    /** Commits that became applied since the last {@link #stored}. */
    private int count;

    /** A commit whose rows have all been dispatched to the shards. */
    void dispatched(SourceEvent.Commit commit) {
        unapplied.add(commit);
    }

    /** The shards' oldest queued row belongs to transaction {@code oldestQueued} ({@code Long.MAX_VALUE}: none). */
    void shardsAt(long oldestQueued) {
        while (!unapplied.isEmpty() && unapplied.peekFirst().txn() < oldestQueued) {
            applied = unapplied.pollFirst();
            count++;
        }
    }

    /** The newest applied commit not yet stored and how many commits became applied with it; null when none. */
    Applied newest() {
        return applied == null ? null : new Applied(applied, count);
    }

    /** What {@link #newest} returned is stored: later stores start from it. */
    void stored() {
        applied = null;
        count = 0;
    }

    /** Commits still waiting for their rows. */
    int waiting() {
        return unapplied.size();
    }

    /** The newest applied commit and the number of commits it completes. */
    record Applied(SourceEvent.Commit commit, int transactions) {
    }
}
