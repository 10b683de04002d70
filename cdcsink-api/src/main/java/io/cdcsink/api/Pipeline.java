package io.cdcsink.api;

import java.util.List;
import java.util.Map;

/**
 * The front door every source writes to. Depending on the mode, mutations are staged until a resolved timestamp
 * (consistent mode) or applied at once (immediate mode).
 */
public interface Pipeline {
    /**
     * Accepts mutations grouped by table, all or nothing: when this returns, every mutation is durably staged
     * (or applied, in immediate mode); when it throws, none is.
     *
     * @throws BadInputException          when a mutation does not fit its table
     * @throws TargetUnavailableException when the target failed; the caller should retry
     */
    void accept(Map<TableName, List<Mutation>> batch);

    /**
     * Applies the mutations at once, without staging them, whatever the mode: a changefeed created with
     * {@code ?immediate=true} on its URL, for a backfill. All or nothing, like {@link #accept}. The default accepts
     * them as {@link #accept} does.
     *
     * @throws BadInputException          when a mutation does not fit its table
     * @throws TargetUnavailableException when the target failed; the caller should retry
     */
    default void acceptImmediately(Map<TableName, List<Mutation>> batch) {
        accept(batch);
    }

    /**
     * Everything for the schema at or before {@code resolved} has been delivered. Ignored in immediate mode.
     *
     * @throws BadInputException when the timestamp goes backwards
     */
    void resolved(SchemaName schema, Hlc resolved);

    /**
     * Checks that the target has the schema's database and schema, for requests that carry nothing else to check
     * (an empty batch must not succeed against a target that does not exist).
     *
     * @throws BadInputException          when the database or the schema does not exist
     * @throws TargetUnavailableException when the target cannot be reached
     */
    void requireTarget(SchemaName schema);

    /** True when mutations are applied without staging. */
    boolean immediate();
}
