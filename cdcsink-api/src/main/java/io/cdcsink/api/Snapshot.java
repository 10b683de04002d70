package io.cdcsink.api;

import java.util.List;

/**
 * One consistent snapshot of a source, open until {@link #close()}: its tables, their chunk boundaries and readers
 * that copy a chunk's rows. Returned by {@link SnapshotSource#open}.
 */
public interface Snapshot extends AutoCloseable {
    /**
     * Where the source's log continues after this snapshot: a stream from here, after the load, misses nothing the
     * snapshot lacks.
     */
    LogicalPosition position();

    /** The tables the stream replicates, named as in the target, with their columns and primary key (if any). */
    List<SnapshotTable> tables() throws Exception;

    /**
     * Key values, ascending in the source's key order, that cut the table into chunks of about {@code rows} rows
     * each; each value holds one text per key column, in the text the reader's {@link SnapshotReader#copy} accepts.
     * Empty for a table that fits one chunk. Called before any reader copies, possibly for several tables at once
     * from different threads.
     */
    List<List<String>> boundaries(SnapshotTable table, long rows) throws Exception;

    /** The reader of worker {@code worker} (0 to {@code workers - 1}); each is used by one thread at a time. */
    SnapshotReader reader(int worker);

    /** Ends the snapshot; what {@link SnapshotSource#open} created for the stream stays. */
    @Override
    void close() throws Exception;

    /**
     * Ends the snapshot of a load that could not begin, and undoes what {@link SnapshotSource#open} created for the
     * stream (PostgreSQL: drops the slot it created), so that starting again can take a new snapshot.
     */
    default void abandon() throws Exception {
        close();
    }
}
