package io.cdcsink.engine;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;

/**
 * Where the apply paths report what they committed and what failed, for the status page and the progress log.
 * Called on hot paths: implementations must be cheap and thread-safe, and must never throw. Report only what is
 * committed in the target, so numbers never count work that was rolled back.
 */
public interface ReplicationRecorder {
    /** A recorder that keeps nothing, for components used without a replicator. */
    ReplicationRecorder NONE = new ReplicationRecorder() {
        @Override
        public void applied(TableName table, Mode mode, ApplyResult result) {
        }

        @Override
        public void tableFailed(TableName table, String message) {
        }

        @Override
        public void resolved(SchemaName schema, Hlc resolved) {
        }

        @Override
        public void schemaFailed(SchemaName schema, Mode mode, String message) {
        }
    };

    /** How rows reach a table. */
    enum Mode {
        /** Whole source transactions or resolved windows, one target transaction each. */
        CONSISTENT,
        /** As they arrive, without keeping source transaction boundaries. */
        IMMEDIATE,
        /** Catching up a large backlog, spread over many connections. */
        BACKFILL;

        /** The lower-case name used in JSON and logs. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Rows of one table were committed in the target. */
    void applied(TableName table, Mode mode, ApplyResult result);

    /** Applying rows of the table failed (the work is retried or refused as a whole). */
    void tableFailed(TableName table, String message);

    /** Everything of the schema at or before {@code resolved} is in the target. */
    void resolved(SchemaName schema, Hlc resolved);

    /** Accepting or applying work of the schema failed. */
    void schemaFailed(SchemaName schema, Mode mode, String message);
}
