package io.cdcsink.metadata;

import java.nio.charset.StandardCharsets;

/**
 * Where cdc-sink keeps its own tables.
 *
 * @param schema the schema in each target database that holds them ({@code --stagingDB})
 */
public record MetadataConfig(String schema) {
    /** PostgreSQL truncates longer identifiers silently, which would make two names the same. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    public MetadataConfig {
        if (schema == null || schema.isBlank()) {
            throw new IllegalArgumentException("stagingSchema (--stagingDB) must not be empty");
        }
        if (schema.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("stagingSchema (--stagingDB) must not contain a NUL character");
        }
        if (schema.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new IllegalArgumentException("stagingSchema (--stagingDB) \"" + schema
                    + "\" is longer than " + MAX_IDENTIFIER_BYTES + " bytes");
        }
    }

    /** The schema {@code _cdc_sink}. */
    public static MetadataConfig defaults() {
        return new MetadataConfig("_cdc_sink");
    }
}
