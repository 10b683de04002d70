package io.cdcsink.demo.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the {@link ChangefeedEmulator} delivers. Start from {@link #to(String)} and change settings with the withers.
 *
 * @param path                 the request path naming the target, {@code /db/schema}
 * @param batchSize            most messages in one payload (CockroachDB's {@code Flush.Messages})
 * @param senders              concurrent HTTP requests in flight
 * @param resolvedInterval     source time covered by one resolved window ({@code WITH resolved='…'}); when the
 *                             emulator is fed live, also the wall time after which an open window is closed
 * @param nodes                emulated nodes: each owns the keys that hash to it and sends its own batches and
 *                             resolved messages
 * @param shuffle              deliver each window's messages and batches in random order
 * @param duplicateProbability chance that a batch is delivered a second time, before its window's resolved message
 * @param seed                 seeds every random choice, so a plan is reproducible
 * @param bearerToken          sent as {@code Authorization: Bearer …} when present
 * @param retryTimeout         how long a request is retried on 5xx responses and I/O errors before giving up
 */
public record EmulatorConfig(String path, int batchSize, int senders, Duration resolvedInterval, int nodes,
                             boolean shuffle, double duplicateProbability, long seed, Optional<String> bearerToken,
                             Duration retryTimeout) {
    public EmulatorConfig {
        if (path == null || !path.matches("/[^/]+/[^/]+/?")) {
            throw new IllegalArgumentException("path must be /db/schema, was " + path);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (senders < 1) {
            throw new IllegalArgumentException("senders must be at least 1, was " + senders);
        }
        if (resolvedInterval == null || resolvedInterval.isNegative() || resolvedInterval.isZero()) {
            throw new IllegalArgumentException("resolvedInterval must be positive, was " + resolvedInterval);
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        if (!(duplicateProbability >= 0 && duplicateProbability <= 1)) {
            throw new IllegalArgumentException("duplicateProbability must be within [0, 1], was "
                    + duplicateProbability);
        }
        Objects.requireNonNull(bearerToken, "bearerToken");
        if (retryTimeout == null || retryTimeout.isNegative()) {
            throw new IllegalArgumentException("retryTimeout must not be negative, was " + retryTimeout);
        }
    }

    /**
     * Defaults for a target path: batches of 100, 4 senders, resolved every second, one node, in order, no
     * duplicates, seed 1, no token, retries for a minute.
     */
    public static EmulatorConfig to(String path) {
        return new EmulatorConfig(path, 100, 4, Duration.ofSeconds(1), 1, false, 0, 1, Optional.empty(),
                Duration.ofMinutes(1));
    }

    public EmulatorConfig withBatchSize(int value) {
        return new EmulatorConfig(path, value, senders, resolvedInterval, nodes, shuffle, duplicateProbability, seed,
                bearerToken, retryTimeout);
    }

    public EmulatorConfig withSenders(int value) {
        return new EmulatorConfig(path, batchSize, value, resolvedInterval, nodes, shuffle, duplicateProbability,
                seed, bearerToken, retryTimeout);
    }

    public EmulatorConfig withResolvedInterval(Duration value) {
        return new EmulatorConfig(path, batchSize, senders, value, nodes, shuffle, duplicateProbability, seed,
                bearerToken, retryTimeout);
    }

    public EmulatorConfig withNodes(int value) {
        return new EmulatorConfig(path, batchSize, senders, resolvedInterval, value, shuffle, duplicateProbability,
                seed, bearerToken, retryTimeout);
    }

    public EmulatorConfig withShuffle(boolean value) {
        return new EmulatorConfig(path, batchSize, senders, resolvedInterval, nodes, value, duplicateProbability,
                seed, bearerToken, retryTimeout);
    }

    public EmulatorConfig withDuplicateProbability(double value) {
        return new EmulatorConfig(path, batchSize, senders, resolvedInterval, nodes, shuffle, value, seed,
                bearerToken, retryTimeout);
    }

    public EmulatorConfig withSeed(long value) {
        return new EmulatorConfig(path, batchSize, senders, resolvedInterval, nodes, shuffle, duplicateProbability,
                value, bearerToken, retryTimeout);
    }

    public EmulatorConfig withBearerToken(String value) {
        return new EmulatorConfig(path, batchSize, senders, resolvedInterval, nodes, shuffle, duplicateProbability,
                seed, Optional.of(value), retryTimeout);
    }

    public EmulatorConfig withRetryTimeout(Duration value) {
        return new EmulatorConfig(path, batchSize, senders, resolvedInterval, nodes, shuffle, duplicateProbability,
                seed, bearerToken, value);
    }
}
