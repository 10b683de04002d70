package io.cdcsink.core;

import io.cdcsink.api.sql.StartupCheck;
import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.engine.OnApplyError;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the target and how cdc-sink behaves there.
 *
 * @param connection    the target server ({@code --conn} / {@code --targetConn})
 * @param maxPoolSize   connections per target database ({@code --targetDBConns})
 * @param immediate     the pipeline applies batches as they arrive instead of staging them for the resolver
 *                      ({@code start --immediate}); read once, when the pipeline's mode is wired. The logical loops
 *                      write to the target themselves and take their mode from their own {@code LogicalConfig}
 * @param stagingSchema the schema holding cdc-sink's own tables in each target database ({@code --stagingDB})
 * @param connectTimeout how long a pool waits for a connection before reporting the target unavailable (start-up's
 *                      one check of the target waits at most {@link StartupCheck#TIMEOUT})
 * @param writers       concurrent write transactions per target database for batches handed to the pipeline
 *                      ({@code --targetWriters}); batches arriving while all are busy are combined
 * @param onApplyError  what happens to a row the target refuses ({@code --onApplyError}), for every source
 */
public record TargetConfig(ConnectionString connection, int maxPoolSize, boolean immediate, String stagingSchema,
                           Duration connectTimeout, int writers, OnApplyError onApplyError) {
    public static final String DEFAULT_STAGING = "_cdc_sink";
    public static final int DEFAULT_WRITERS = 2;

    public TargetConfig {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("--targetDBConns must be at least 1, was " + maxPoolSize);
        }
        if (stagingSchema == null || stagingSchema.isBlank()) {
            throw new IllegalArgumentException("--stagingDB must not be empty");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
        if (writers < 1) {
            throw new IllegalArgumentException("--targetWriters must be at least 1, was " + writers);
        }
        Objects.requireNonNull(onApplyError, "onApplyError");
    }

    /** Refused rows stop what applies them ({@link OnApplyError#STOP}). */
    public TargetConfig(ConnectionString connection, int maxPoolSize, boolean immediate, String stagingSchema,
                        Duration connectTimeout, int writers) {
        this(connection, maxPoolSize, immediate, stagingSchema, connectTimeout, writers, OnApplyError.STOP);
    }

    /**
     * Defaults for a connection string: pool of 32, consistent mode, {@code _cdc_sink}, 10 s connect timeout,
     * {@value #DEFAULT_WRITERS} writers.
     */
    public static TargetConfig of(String connection) {
        return new TargetConfig(ConnectionString.parse("--conn", connection), 32, false, DEFAULT_STAGING,
                Duration.ofSeconds(10), DEFAULT_WRITERS);
    }

    public TargetConfig withImmediate(boolean value) {
        return new TargetConfig(connection, maxPoolSize, value, stagingSchema, connectTimeout, writers, onApplyError);
    }

    public TargetConfig withStagingSchema(String value) {
        return new TargetConfig(connection, maxPoolSize, immediate, value, connectTimeout, writers, onApplyError);
    }

    public TargetConfig withMaxPoolSize(int value) {
        return new TargetConfig(connection, value, immediate, stagingSchema, connectTimeout, writers, onApplyError);
    }

    public TargetConfig withWriters(int value) {
        return new TargetConfig(connection, maxPoolSize, immediate, stagingSchema, connectTimeout, value,
                onApplyError);
    }

    public TargetConfig withOnApplyError(OnApplyError value) {
        return new TargetConfig(connection, maxPoolSize, immediate, stagingSchema, connectTimeout, writers, value);
    }
}
