package io.cdcsink.engine;

import io.cdcsink.api.TargetUnavailableException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The JWT public keys and revoked token ids that operators keep in each target database, as stored: the
 * authenticator parses and judges them.
 */
public interface JwtKeys {
    /**
     * Creates the tables in the database unless this process already did, so that operators can insert keys before
     * the first request for the database arrives.
     *
     * @throws TargetUnavailableException when the DDL fails
     */
    void prepare(String database);

    /**
     * The active keys and the revoked ids of the database, read together (the tables are created first if needed).
     *
     * @throws TargetUnavailableException when they cannot be read
     */
    Stored load(String database);

    /** One active key row: its id, for messages, and its PEM text, unchecked. */
    record StoredKey(String id, String pem) {
        public StoredKey {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(pem, "pem");
        }
    }

    /** What one load read. */
    record Stored(List<StoredKey> keys, Set<String> revokedIds) {
        public Stored {
            keys = List.copyOf(keys);
            revokedIds = Set.copyOf(revokedIds);
        }
    }
}
