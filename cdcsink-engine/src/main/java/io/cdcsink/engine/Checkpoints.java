package io.cdcsink.engine;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import java.util.Optional;

/** Resolved timestamps per target schema: queued when received, recorded when their window has been applied. */
public interface Checkpoints {
    /**
     * Queues a resolved timestamp for the schema and wakes whoever applies it (the {@link Resolver}). Receiving the
     * same timestamp again is accepted.
     *
     * @return true when the timestamp was new
     * @throws BadInputException when it is older than one already received for the schema
     */
    boolean mark(SchemaName schema, Hlc resolved);

    /** The newest resolved timestamp whose window has been applied, if any. */
    Optional<Hlc> lastApplied(SchemaName schema);
}
