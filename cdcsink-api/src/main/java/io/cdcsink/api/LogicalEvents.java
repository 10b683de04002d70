package io.cdcsink.api;

import java.util.Optional;

/**
 * What a {@link LogicalDialect} reports while it reads the source's log, in log order, from one thread. Every method
 * may block (backpressure) and throws {@link InterruptedException} when the replication loop stops the stream.
 *
 * <p>Between {@link #begin()} and {@link #commit(LogicalPosition)} come the changes of one source transaction. Rows
 * are {@link SourceRow}s: values aligned with the table's {@link RowShape}, in {@link ValueFormat#TEXT} (each the text
 * the target column type's input function reads, as PostgreSQL's own text output: {@code {1,2}} for an array,
 * {@code \x00ff} for bytea, the document for json and jsonb), {@code null} for NULL. A column a row leaves out keeps
 * the target's value (used for unchanged TOAST values). New rows reach the target's {@code COPY} as they are; a
 * statement (an update of an existing key, a delete) carries the texts as JSON strings of one parameter, which keeps
 * them exact.
 */
public interface LogicalEvents {
    /** A source transaction starts. */
    void begin() throws InterruptedException;

    /** The row with this row's key now has these values (insert or update). */
    void upsert(TableName table, SourceRow row) throws InterruptedException;

    /**
     * The row with {@code oldKey}'s key now has {@code row}'s key and values. Columns {@code row} leaves out keep the
     * values the row had under its old key. A change of key whose row carries every column may be reported as a
     * delete and an upsert instead.
     *
     * @param oldKey a row of the same table whose key columns hold the old key (other columns are not read)
     */
    void move(TableName table, SourceRow oldKey, SourceRow row) throws InterruptedException;

    /**
     * The row with this key is gone.
     *
     * @param key a row whose key columns hold the key (other columns are not read)
     */
    void delete(TableName table, SourceRow key) throws InterruptedException;

    /** Every row of the table is gone. */
    void truncate(TableName table) throws InterruptedException;

    /** The source transaction committed; once applied, the source may resume after {@code position}. */
    void commit(LogicalPosition position) throws InterruptedException;

    /** The source transaction was abandoned (e.g. a reconnect mid-transaction): forget its changes. */
    void rollback() throws InterruptedException;

    /**
     * The newest position whose transaction, and every one before it, is durable in the target. The dialect
     * acknowledges it to the source (PostgreSQL standby status, for instance) so the source can discard its log.
     */
    Optional<LogicalPosition> durable();

    /** True when every committed transaction handed over so far is durable in the target. */
    boolean caughtUp();
}
