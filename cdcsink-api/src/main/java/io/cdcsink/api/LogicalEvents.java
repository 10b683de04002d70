package io.cdcsink.api;

import java.util.Optional;

/**
 * What a {@link LogicalDialect} reports while it reads the source's log, in log order, from one thread. Every method
 * may block (backpressure) and throws {@link InterruptedException} when the replication loop stops the stream.
 *
 * <p>Between {@link #begin()} and {@link #commit(LogicalPosition)} come the changes of one source transaction. Keys
 * are JSON arrays of the primary-key values in key order; rows are JSON objects keyed by column name. Values are in
 * {@link ValueFormat#TEXT}: each is a JSON string (or a number or boolean) whose text the target column type's input
 * function reads, as PostgreSQL's own text output ({@code '{1,2}'} for an array, {@code '\x00ff'} for bytea, the JSON
 * text for json and jsonb), or JSON null for NULL. A property missing from a row leaves the target column's value
 * alone (used for unchanged TOAST values).
 */
public interface LogicalEvents {
    /** A source transaction starts. */
    void begin() throws InterruptedException;

    /** The row with this key now has these values (insert or update). */
    void upsert(TableName table, String keyJson, String rowJson) throws InterruptedException;

    /**
     * The row with key {@code oldKeyJson} now has key {@code newKeyJson} and these values. Properties the row leaves
     * out keep the values the row had under its old key. A change of key whose row carries every column may be
     * reported as a delete and an upsert instead.
     */
    void move(TableName table, String oldKeyJson, String newKeyJson, String rowJson) throws InterruptedException;

    /** The row with this key is gone. */
    void delete(TableName table, String keyJson) throws InterruptedException;

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
