package io.cdcsink.engine;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The resolved timestamps of each target schema as the resolver and the stager see them, inside their own
 * transactions: the queue of windows waiting to be applied and the last one applied. {@link Checkpoints} is the
 * pipeline's side of the same record. A window is applied by claiming the schema ({@link #claimOldest}), applying
 * what was staged up to the claimed timestamp and recording it ({@link #recordApplied}), all in one transaction.
 */
public interface ResolvedTimestamps {
    /**
     * Creates what the timestamps are kept in, in the database, unless this process already did. Every other method
     * expects it done for the database.
     *
     * @throws TargetUnavailableException when the DDL fails
     */
    void prepare(String database);

    /** The schema's last applied resolved timestamp, read on {@code conn}; empty before its first window. */
    Optional<Hlc> lastApplied(Connection conn, SchemaName schema) throws SQLException;

    /**
     * In the window's transaction: takes the schema for this transaction unless another instance holds it, and reads
     * its oldest unapplied resolved timestamp. The claim ends with the transaction.
     */
    Claim claimOldest(Connection tx, SchemaName schema) throws SQLException;

    /** The oldest unapplied resolved timestamp of the schema after {@code after}, if one is queued. */
    Optional<Hlc> nextPending(Connection conn, SchemaName schema, Hlc after) throws SQLException;

    /** In the window's transaction: records that everything of the schema up to {@code resolved} is applied. */
    void recordApplied(Connection tx, SchemaName schema, Hlc resolved) throws SQLException;

    /**
     * The schemas of the database with unapplied windows, read on a connection of its own; none when cdc-sink never
     * kept timestamps there.
     */
    List<SchemaName> schemasWithPendingWork(String database) throws SQLException;

    /**
     * What {@link #claimOldest} found: another instance applying the schema ({@code blocked}), or the schema's oldest
     * unapplied resolved timestamp, if any.
     */
    record Claim(boolean blocked, Optional<Hlc> oldest) {
        /** Another instance holds the schema. */
        public static final Claim BLOCKED = new Claim(true, Optional.empty());

        public Claim {
            Objects.requireNonNull(oldest, "oldest");
            if (blocked && oldest.isPresent()) {
                throw new IllegalArgumentException("a blocked claim reads no timestamp");
            }
        }
    }
}
