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
     * Everything for the schema at or before {@code resolved} has been delivered. Ignored in immediate mode.
     *
     * @throws BadInputException when the timestamp goes backwards
     */
    void resolved(SchemaName schema, Hlc resolved);

    /** True when mutations are applied without staging. */
    boolean immediate();
}
