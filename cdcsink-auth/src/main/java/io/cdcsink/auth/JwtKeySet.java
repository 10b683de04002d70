package io.cdcsink.auth;

import java.util.List;
import java.util.Set;

/** The active public keys and revoked token ids of one target database, as loaded at one moment. */
public record JwtKeySet(List<TrustedKey> keys, Set<String> revokedIds) {
    public JwtKeySet {
        keys = List.copyOf(keys);
        revokedIds = Set.copyOf(revokedIds);
    }

    public static JwtKeySet empty() {
        return new JwtKeySet(List.of(), Set.of());
    }
}
