package io.cdcsink.api;

/**
 * What a {@link LogicalDialect} offers for an initial load ({@code --snapshot initial}) and for copying tables again
 * while streaming ({@code --snapshotTables}): the source's tables as of one consistent snapshot, read in key-ordered
 * chunks by several workers. The replication loop plans the chunks, records their progress in the target and writes
 * them with {@code COPY}; the dialect only reads.
 */
public interface SnapshotSource {
    /**
     * Takes a consistent snapshot of the source and opens {@code workers} readers that see it.
     *
     * @param createPosition true when the target holds no stream position for this loop yet: the dialect also makes
     *                       the stream's starting place (PostgreSQL: creates the replication slot with an exported
     *                       snapshot, and fails with a message saying what to do if the slot exists), so that
     *                       streaming from {@link Snapshot#position()} after the load loses nothing; it may repeat
     *                       transactions the snapshot already holds, whose rows then converge to the same values.
     *                       False when a stream position exists (a load resumed after a crash, or tables copied
     *                       again while streaming): the snapshot is taken now, after that position, and the stream
     *                       continues from where it is
     * @param workers        how many readers to open, each used by one thread at a time
     */
    Snapshot open(boolean createPosition, int workers) throws Exception;
}
