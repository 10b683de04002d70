package io.cdcsink.staging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of staging tables. A name is derived from the target schema and table so an operator can tell which is
 * which, restricted to {@code [a-z0-9_]} so it never needs unusual quoting, and kept within PostgreSQL's 63-byte
 * identifier limit (longer names would be truncated silently and could clash). Every name starts with
 * {@value #PREFIX} so it cannot clash with the other tables of cdc-sink's schema.
 *
 * <p>The prefix carries the staging format's version: {@value #PREFIX} tables hold one row per staged batch
 * ({@link StagedBatch}); {@value #LEGACY_PREFIX} tables, made by releases before it, one row per mutation. No
 * {@value #PREFIX} name can be a legacy one, so a registered name tells its table's format
 * ({@link #isLegacy}), and a legacy table's batches get a new name that no registered table can hold already.
 *
 * <p>Sanitising is lossy ({@code "a_b"."c"} and {@code "a"."b_c"} both give {@code stage_a_b_c}), so the registry
 * in {@code staged_tables} is the truth; when the readable name is taken by another table, {@link #hashed} gives a
 * name ending in a hash of the raw names.
 */
final class StagingTableNames {
    static final String PREFIX = "stage2_";
    /** The prefix of staging tables in the per-mutation format of earlier releases. */
    static final String LEGACY_PREFIX = "stage_";
    static final int MAX_BYTES = 63;
    private static final int HASH_CHARS = 16;

    private StagingTableNames() {
    }

    /** The readable name, or the hashed one when the readable one would be too long. */
    static String preferred(String schema, String table) {
        String readable = PREFIX + sanitise(schema) + "_" + sanitise(table);
        return readable.length() <= MAX_BYTES ? readable : hashed(schema, table);
    }

    /** A readable prefix, cut to fit, followed by {@code _} and a hash of the raw schema and table names. */
    static String hashed(String schema, String table) {
        String readable = PREFIX + sanitise(schema) + "_" + sanitise(table);
        int keep = MAX_BYTES - HASH_CHARS - 1;
        if (readable.length() > keep) {
            readable = readable.substring(0, keep);
        }
        return readable + "_" + hash(schema, table);
    }

    /** True for a staging table of an earlier release, one row per mutation. */
    static boolean isLegacy(String name) {
        return name.startsWith(LEGACY_PREFIX);
    }

    static String sanitise(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
            out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return out.toString();
    }

    private static String hash(String schema, String table) {
        // NUL cannot occur in names (SchemaName rejects it), so the joined text is unambiguous.
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((schema + '\0' + table).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        return HexFormat.of().formatHex(digest, 0, HASH_CHARS / 2);
    }
}
