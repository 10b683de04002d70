package io.cdcsink.verify;

import java.time.Duration;
import java.util.Objects;

/**
 * How to compare.
 *
 * @param chunkRows      rows per chunk (by the source's keys): what each side hashes at once and the most a mismatch
 *                       is narrowed over
 * @param rowsPerSecond  the most source rows read per second (0 for no limit), to spare a production source
 * @param live           while replication runs: a chunk that differs is compared again after this long (up to three
 *                       times) before it is reported; zero for a one-shot comparison
 * @param maxDifferences the most differing rows listed per table (all are counted)
 * @param stagingSchema  the schema in the target database holding cdc-sink's tables ({@code --stagingDB}), where a
 *                       running snapshot load is recorded: a table it still copies is waited for ({@code live}) or
 *                       reported as such
 */
public record VerifyOptions(int chunkRows, long rowsPerSecond, Duration live, int maxDifferences,
                            String stagingSchema) {
    /** cdc-sink's default {@code --stagingDB}. */
    public static final String DEFAULT_STAGING = "_cdc_sink";
    public static final VerifyOptions DEFAULTS = new VerifyOptions(10_000, 0, Duration.ZERO, 100);
    /** How often a differing chunk is compared again in live mode. */
    static final int LIVE_RECHECKS = 3;

    public VerifyOptions {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("--chunkRows must be at least 1, was " + chunkRows);
        }
        if (rowsPerSecond < 0) {
            throw new IllegalArgumentException("--rowsPerSecond must not be negative, was " + rowsPerSecond);
        }
        Objects.requireNonNull(live, "live");
        if (live.isNegative()) {
            throw new IllegalArgumentException("--live must not be negative");
        }
        if (maxDifferences < 0) {
            throw new IllegalArgumentException("--maxDifferences must not be negative, was " + maxDifferences);
        }
        Objects.requireNonNull(stagingSchema, "stagingSchema");
        if (stagingSchema.isBlank()) {
            throw new IllegalArgumentException("--stagingDB must not be empty");
        }
    }

    /** With the default staging schema. */
    public VerifyOptions(int chunkRows, long rowsPerSecond, Duration live, int maxDifferences) {
        this(chunkRows, rowsPerSecond, live, maxDifferences, DEFAULT_STAGING);
    }
}
