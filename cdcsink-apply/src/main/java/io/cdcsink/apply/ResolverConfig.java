package io.cdcsink.staging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Settings of staging and resolution.
 *
 * @param stagingSchema  schema in each target database holding cdc-sink's own tables ({@code --stagingDB})
 * @param drainBatchSize how many staged mutations are handed to the applier at a time while a window is applied
 * @param idleWait       how long a resolver loop sleeps when there is no work (a mark wakes it earlier)
 * @param scanInterval   how often every target database is scanned for pending windows nobody is applying yet
 */
public record StagingConfig(String stagingSchema, int drainBatchSize, Duration idleWait, Duration scanInterval) {
    /** PostgreSQL truncates longer identifiers silently, which would make two names the same. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    public StagingConfig {
        if (stagingSchema == null || stagingSchema.isBlank()) {
            throw new IllegalArgumentException("stagingSchema (--stagingDB) must not be empty");
        }
        if (stagingSchema.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("stagingSchema (--stagingDB) must not contain a NUL character");
        }
        if (stagingSchema.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new IllegalArgumentException("stagingSchema (--stagingDB) \"" + stagingSchema
                    + "\" is longer than " + MAX_IDENTIFIER_BYTES + " bytes");
        }
        if (drainBatchSize < 1) {
            throw new IllegalArgumentException("drainBatchSize must be at least 1, got " + drainBatchSize);
        }
        requirePositive("idleWait", idleWait);
        requirePositive("scanInterval", scanInterval);
    }

    /**
     * Staging schema {@code _cdc_sink}, batches of 10,000, 1 s idle wait, scan every minute.
     *
     * <p>Each batch is one apply call, and on PostgreSQL one COPY savepoint of the window's transaction, which may
     * set 32 ({@code SavepointBudget}); batches of 1,000 left every row after the first 32,000 of a window to the
     * slower upsert. 10,000 staged rows of a few hundred bytes each are a few MB of heap.
     */
    public static StagingConfig defaults() {
        return new StagingConfig("_cdc_sink", 10_000, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
