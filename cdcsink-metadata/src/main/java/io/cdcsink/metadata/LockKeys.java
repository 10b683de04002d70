package io.cdcsink.metadata;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable 64-bit keys for PostgreSQL advisory locks. Stable across processes and versions (unlike
 * {@link String#hashCode()} widened), so every instance of cdc-sink computes the same key for the same name.
 */
final class LockKeys {
    private LockKeys() {
    }

    /** The first eight bytes of the SHA-256 of the name's UTF-8 bytes. */
    static long of(String name) {
        byte[] digest = sha256(name.getBytes(StandardCharsets.UTF_8));
        long key = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            key = (key << 8) | (digest[i] & 0xff);
        }
        return key;
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static long resolver(String schema) {
        return of("cdc-sink resolver " + schema);
    }

    static long mark(String schema) {
        return of("cdc-sink mark " + schema);
    }

    static long ddl(String stagingSchema) {
        return of("cdc-sink ddl " + stagingSchema);
    }
}
