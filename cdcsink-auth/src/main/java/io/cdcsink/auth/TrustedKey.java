package io.cdcsink.auth;

import java.security.PublicKey;
import java.util.Objects;

/** A public key from {@code jwt_public_keys}, with its row id for messages. */
public record TrustedKey(String id, PublicKey key) {
    public TrustedKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
    }
}
