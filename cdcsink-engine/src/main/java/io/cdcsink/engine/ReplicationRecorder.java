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

    /**
     * Work of {@code scope} waits until the operator acts. A scope is what retries: {@code "schema db.public"} (a
     * webhook schema's resolver), {@code "table db.public.t"} (immediate-mode writes of a table) or
     * {@code "loop NAME"} (a pglogical or mylogical loop). Reported on every retry; the recorder logs it once as an ERROR (again only when the reason
     * changes) and shows it until the scope is {@link #cleared}.
     */
    default void blocked(String scope, Blockage blockage) {
    }

    /** Work of {@code scope} went through: whatever it reported as blocked is over. Cheap when nothing was. */
    default void cleared(String scope) {
    }
}
