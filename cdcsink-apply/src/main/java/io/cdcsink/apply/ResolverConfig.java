package io.cdcsink.apply;

import java.time.Duration;

/**
 * Settings of the resolver.
 *
 * @param drainBatchSize how many staged mutations are handed to the applier at a time while a window is applied
 * @param idleWait       how long a resolver loop sleeps when there is no work (a mark wakes it earlier)
 * @param scanInterval   how often every target database is scanned for pending windows nobody is applying yet
 */
public record ResolverConfig(int drainBatchSize, Duration idleWait, Duration scanInterval) {
    public ResolverConfig {
        if (drainBatchSize < 1) {
            throw new IllegalArgumentException("drainBatchSize must be at least 1, got " + drainBatchSize);
        }
        requirePositive("idleWait", idleWait);
        requirePositive("scanInterval", scanInterval);
    }

    /**
     * Batches of 10,000, 1 s idle wait, scan every minute.
     *
     * <p>Each batch is one apply call, and on PostgreSQL one COPY savepoint of the window's transaction, which may
     * set 32 ({@code SavepointBudget}); batches of 1,000 left every row after the first 32,000 of a window to the
     * slower upsert. 10,000 staged rows of a few hundred bytes each are a few MB of heap.
     */
    public static ResolverConfig defaults() {
        return new ResolverConfig(10_000, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
