package io.cdcsink.core.logical;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.engine.RowChange;
import io.cdcsink.api.TableName;

/** What the reader thread hands the apply thread, in source order. {@code bytes} is its share of the budget. */
sealed interface SourceEvent {
    long bytes();

    /** A row change of transaction {@code txn}. */
    record Row(long txn, TableName table, RowChange change, long bytes) implements SourceEvent {
    }

    /** Every row of the table is gone. */
    record Truncate(long txn, TableName table, long bytes) implements SourceEvent {
    }

    /** Transaction {@code txn} committed at {@code position}. */
    record Commit(long txn, LogicalPosition position, long bytes) implements SourceEvent {
    }

    /** The reader abandoned its open transaction. */
    record Rollback(long bytes) implements SourceEvent {
    }
}
