package io.cdcsink.auth;

import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.JwtKeys;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * The usable JWT keys of a target database: what {@link JwtKeys} stores (in {@code jwt_public_keys} and
 * {@code jwt_revoked_ids} of the metadata schema), with every key parsed.
 */
public final class JwtKeyStore {
    /**
     * What one load found.
     *
     * @param keys     the usable active keys and the revoked ids
     * @param problems one message per active row whose key could not be used (it is left out of {@code keys})
     */
    public record Loaded(JwtKeySet keys, List<String> problems) {
        public Loaded {
            problems = List.copyOf(problems);
        }
    }

    private final JwtKeys stored;

    @Inject
    public JwtKeyStore(JwtKeys stored) {
        this.stored = stored;
    }

    /** Creates the tables in the database unless this process already did. */
    public void ensure(String database) {
        stored.prepare(database);
    }

    /**
     * @throws TargetUnavailableException when the tables cannot be read
     */
    public Loaded load(String database) {
        JwtKeys.Stored rows = stored.load(database);
        List<TrustedKey> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JwtKeys.StoredKey row : rows.keys()) {
            try {
                keys.add(new TrustedKey(row.id(), PublicKeyPem.parse(row.id(), row.pem())));
            } catch (InvalidKeyException e) {
                problems.add("database " + database + ": " + e.getMessage());
            }
        }
        return new Loaded(new JwtKeySet(keys, rows.revokedIds()), problems);
    }
}
