package io.cdcsink.api;

import java.util.List;
import java.util.Optional;

/** Reads chunks of a {@link Snapshot}'s tables; one worker's connection, used by one thread at a time. */
public interface SnapshotReader {
    /** Where a reader sends the rows it copies. */
    @FunctionalInterface
    interface CopySink {
        /**
         * Takes {@code length} bytes from {@code offset}: one or more whole rows in PostgreSQL's {@code COPY} text
         * format (UTF-8, tab between the values in {@link SnapshotTable#columns()} order, {@code \N} for NULL, each
         * row ending in a newline), the values as the target column's input function reads them.
         */
        void write(byte[] data, int offset, int length) throws Exception;
    }

    /**
     * Copies the rows of {@code table} whose key ({@link SnapshotTable#key()}) is greater than {@code after} and at
     * most {@code upTo} (either end open when empty), as of the snapshot, to {@code sink}.
     *
     * @return how many rows it copied
     */
    long copy(SnapshotTable table, Optional<List<String>> after, Optional<List<String>> upTo, CopySink sink)
            throws Exception;
}
