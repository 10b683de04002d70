package io.cdcsink.engine;

import io.cdcsink.api.SchemaName;

/**
 * Whoever applies the queued resolved windows. {@link Checkpoints} tells it when a schema may have a new window, so
 * that it looks at once instead of at its next scan of the target.
 */
@FunctionalInterface
public interface Resolver {
    /** For a process that applies no windows (immediate mode, logical replication, tools): a scan finds them. */
    Resolver NONE = schema -> { };

    /** The schema may have a new window. Cheap and never failing: it only wakes a loop. */
    void wake(SchemaName schema);
}
