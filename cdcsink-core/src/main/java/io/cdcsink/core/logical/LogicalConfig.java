package io.cdcsink.core.logical;

import io.cdcsink.api.Options;
import io.cdcsink.engine.SchemaEvolution;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the shared logical-replication loop runs (the flags {@code pglogical} and {@code mylogical} have in common).
 *
 * @param loopName       names the loop in metrics and keys its stored position ({@code --loopName})
 * @param targetDatabase the target database that receives the rows and the position ({@code --targetDB})
 * @param immediate      apply without waiting for transaction boundaries ({@code --immediate})
 * @param backfillWindow when the stored position is older than this, apply in fan mode until caught up; zero turns
 *                       backfill off ({@code --backfillWindow})
 * @param fanShards      concurrent target connections in fan mode ({@code --fanShards})
 * @param bytesInFlight  budget of read but not yet applied mutation bytes; readers wait beyond it
 *                       ({@code --bytesInFlight})
 * @param applyTimeout   statement timeout of each apply ({@code --applyTimeout})
 * @param retryDelay     pause after a failed attempt before reconnecting ({@code --retryDelay})
 * @param standbyTimeout the longest time between storing and acknowledging positions ({@code --standbyTimeout})
 * @param schemaEvolution what to do when the source has tables or columns the target lacks
 *                        ({@code --schemaEvolution})
 * @param snapshot       what the loop copies from snapshots of the source ({@code --snapshot},
 *                       {@code --snapshotTables}, ...)
 */
public record LogicalConfig(String loopName, String targetDatabase, boolean immediate, Duration backfillWindow,
                            int fanShards, long bytesInFlight, Duration applyTimeout, Duration retryDelay,
                            Duration standbyTimeout, SchemaEvolution schemaEvolution, SnapshotConfig snapshot) {
    public static final long DEFAULT_BYTES_IN_FLIGHT = 10L * 1024 * 1024;

    public LogicalConfig {
        if (loopName == null || loopName.isBlank()) {
            throw new IllegalArgumentException("--loopName must not be empty");
        }
        if (targetDatabase == null || targetDatabase.isBlank()) {
            throw new IllegalArgumentException("no target database specified: set --targetDB");
        }
        if (backfillWindow == null || backfillWindow.isNegative()) {
            throw new IllegalArgumentException("--backfillWindow must be >= 0");
        }
        if (fanShards < 1) {
            throw new IllegalArgumentException("--fanShards must be at least 1, was " + fanShards);
        }
        if (bytesInFlight < 1024) {
            throw new IllegalArgumentException("--bytesInFlight must be at least 1024, was " + bytesInFlight);
        }
        requirePositive("--applyTimeout", applyTimeout);
        requirePositive("--retryDelay", retryDelay);
        requirePositive("--standbyTimeout", standbyTimeout);
        if (schemaEvolution == null) {
            throw new IllegalArgumentException("--schemaEvolution must be none or additive");
        }
        if (snapshot == null) {
            throw new IllegalArgumentException("no snapshot settings");
        }
    }

    /** Settings without schema evolution ({@link SchemaEvolution#NONE}). */
    public LogicalConfig(String loopName, String targetDatabase, boolean immediate, Duration backfillWindow,
                         int fanShards, long bytesInFlight, Duration applyTimeout, Duration retryDelay,
                         Duration standbyTimeout) {
        this(loopName, targetDatabase, immediate, backfillWindow, fanShards, bytesInFlight, applyTimeout, retryDelay,
                standbyTimeout, SchemaEvolution.NONE, SnapshotConfig.NONE);
    }

    /**
     * Fails unless a target pool of {@code maxConnections} can serve this loop: in immediate and backfill mode every
     * fan shard holds a connection while it has rows, and the loop needs one more to store its position; in
     * consistent mode the loop's open transaction holds one while a table's first batch reads the table's description
     * and {@code apply_config} on another.
     */
    public void requirePool(int maxConnections) {
        boolean fans = immediate || !backfillWindow.isZero();
        if (maxConnections < 2) {
            throw new IllegalArgumentException("--targetDBConns (" + maxConnections + ") must be at least 2: the"
                    + " loop keeps a target transaction open while it reads table descriptions and apply_config on"
                    + " a second connection");
        }
        if (snapshot.any() && maxConnections < snapshot.workers() + 2) {
            throw new IllegalArgumentException("--targetDBConns (" + maxConnections + ") must be at least"
                    + " --snapshotWorkers + 2 (" + (snapshot.workers() + 2) + "): each snapshot worker writes on a"
                    + " connection of its own beside the loop's two");
        }
        if (fans && maxConnections <= fanShards) {
            throw new IllegalArgumentException("--targetDBConns (" + maxConnections + ") must be greater than"
                    + " --fanShards (" + fanShards + "): in immediate and backfill mode every shard holds a target"
                    + " connection while it has rows, and the loop needs one more to store its position");
        }
    }

    /**
     * The loop's settings from a source's options ({@code io.cdcsink.api.SourceContext#LOGICAL_OPTIONS}), with the
     * spec's defaults for those not given.
     *
     * @throws IllegalArgumentException naming the option that is missing or malformed
     */
    public static LogicalConfig fromOptions(Options options, String defaultLoopName) {
        LogicalConfig d = defaults(defaultLoopName, "-");
        String targetDatabase = options.string("targetDB").filter(s -> !s.isBlank()).orElseThrow(
                () -> new IllegalArgumentException("no target database specified: set --targetDB"));
        return new LogicalConfig(options.string("loopName", defaultLoopName), targetDatabase,
                options.bool("immediate", d.immediate()), options.duration("backfillWindow", d.backfillWindow()),
                options.integer("fanShards", d.fanShards()), options.integer("bytesInFlight", d.bytesInFlight()),
                options.duration("applyTimeout", d.applyTimeout()), options.duration("retryDelay", d.retryDelay()),
                options.duration("standbyTimeout", d.standbyTimeout()),
                SchemaEvolution.parse(options.string("schemaEvolution", d.schemaEvolution().flag())),
                SnapshotConfig.fromOptions(options));
    }

    /** These settings as the options {@link #fromOptions} reads back: for embedding with typed values. */
    public Map<String, String> toOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("loopName", loopName);
        m.put("targetDB", targetDatabase);
        m.put("immediate", Boolean.toString(immediate));
        m.put("backfillWindow", Options.text(backfillWindow));
        m.put("fanShards", Integer.toString(fanShards));
        m.put("bytesInFlight", Long.toString(bytesInFlight));
        m.put("applyTimeout", Options.text(applyTimeout));
        m.put("retryDelay", Options.text(retryDelay));
        m.put("standbyTimeout", Options.text(standbyTimeout));
        m.put("schemaEvolution", schemaEvolution.flag());
        snapshot.toOptions(m);
        return m;
    }

    /** The spec's defaults for a loop writing into {@code targetDatabase}. */
    public static LogicalConfig defaults(String loopName, String targetDatabase) {
        return new LogicalConfig(loopName, targetDatabase, false, Duration.ZERO, 16, DEFAULT_BYTES_IN_FLIGHT,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    public LogicalConfig withSchemaEvolution(SchemaEvolution value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, backfillWindow, fanShards, bytesInFlight,
                applyTimeout, retryDelay, standbyTimeout, value, snapshot);
    }

    public LogicalConfig withSnapshot(SnapshotConfig value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, backfillWindow, fanShards, bytesInFlight,
                applyTimeout, retryDelay, standbyTimeout, schemaEvolution, value);
    }

    public LogicalConfig withImmediate(boolean value) {
        return new LogicalConfig(loopName, targetDatabase, value, backfillWindow, fanShards, bytesInFlight,
                applyTimeout, retryDelay, standbyTimeout, schemaEvolution, snapshot);
    }

    public LogicalConfig withBackfillWindow(Duration value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, value, fanShards, bytesInFlight,
                applyTimeout, retryDelay, standbyTimeout, schemaEvolution, snapshot);
    }

    public LogicalConfig withBytesInFlight(long value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, backfillWindow, fanShards, value,
                applyTimeout, retryDelay, standbyTimeout, schemaEvolution, snapshot);
    }

    public LogicalConfig withFanShards(int value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, backfillWindow, value, bytesInFlight,
                applyTimeout, retryDelay, standbyTimeout, schemaEvolution, snapshot);
    }

    public LogicalConfig withRetryDelay(Duration value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, backfillWindow, fanShards, bytesInFlight,
                applyTimeout, value, standbyTimeout, schemaEvolution, snapshot);
    }

    public LogicalConfig withStandbyTimeout(Duration value) {
        return new LogicalConfig(loopName, targetDatabase, immediate, backfillWindow, fanShards, bytesInFlight,
                applyTimeout, retryDelay, value, schemaEvolution, snapshot);
    }

    private static void requirePositive(String flag, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(flag + " must be positive, was " + value);
        }
    }
}
