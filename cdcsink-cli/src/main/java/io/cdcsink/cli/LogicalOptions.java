package io.cdcsink.cli;

import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.engine.OnApplyError;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.SnapshotConfig;
import io.cdcsink.engine.SchemaEvolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags {@code pglogical} and {@code mylogical} share (the replication loop and the target). */
final class LogicalOptions {
    @Option(names = "--applyTimeout", defaultValue = "30s", converter = GoDuration.class,
            description = "the maximum amount of time to wait for an update to be applied (default ${DEFAULT-VALUE})")
    Duration applyTimeout;

    @Option(names = "--backfillWindow", defaultValue = "0", converter = GoDuration.class,
            description = "use a high-throughput, but non-transactional mode if replication is this far behind")
    Duration backfillWindow;

    @Option(names = "--bytesInFlight", defaultValue = "10485760",
            description = "apply backpressure when amount of in-flight mutation data reaches this limit"
                    + " (default ${DEFAULT-VALUE})")
    long bytesInFlight;

    @Option(names = "--fanShards", defaultValue = "16",
            description = "the number of concurrent connections to use when writing data in fan mode"
                    + " (default ${DEFAULT-VALUE})")
    int fanShards;

    @Option(names = "--immediate", description = "apply data without waiting for transaction boundaries")
    boolean immediate;

    @Option(names = "--metricsAddr", description = "a host:port to serve metrics from at /_/varz")
    String metricsAddr;

    @Option(names = "--pidFile",
            description = "write the process id here while running (for cdc-sink reload and kill -HUP)")
    java.nio.file.Path pidFile;

    @Mixin
    ShutdownOption stop = new ShutdownOption();

    @Option(names = "--retryDelay", defaultValue = "10s", converter = GoDuration.class,
            description = "the amount of time to sleep between replication retries (default ${DEFAULT-VALUE})")
    Duration retryDelay;

    @Option(names = "--onApplyError", defaultValue = "stop",
            description = "what to do with a row the target refuses: stop (wait and retry until it is accepted) or"
                    + " deadletter (set it aside in dead_letters and apply the rest) (default \"${DEFAULT-VALUE}\")")
    String onApplyError;

    @Option(names = "--schemaEvolution", defaultValue = "none",
            description = "what to do with source tables and columns the target lacks: none (wait and report the"
                    + " DDL to run) or additive (create them) (default \"${DEFAULT-VALUE}\")")
    String schemaEvolution;

    @Option(names = "--snapshot", defaultValue = "none",
            description = "initial: when the loop has never run, copy every replicated table as of a snapshot, then"
                    + " stream from that snapshot; none: stream only (default \"${DEFAULT-VALUE}\")")
    String snapshot;

    @Option(names = "--snapshotChunkRows", defaultValue = "100000",
            description = "about how many rows one chunk of a snapshot copy holds (default ${DEFAULT-VALUE})")
    long snapshotChunkRows;

    @Option(names = "--snapshotKey",
            description = "table=col,col: the unique key to copy a table without a primary key by (repeatable)")
    List<String> snapshotKeys = new ArrayList<>();

    @Option(names = "--snapshotTables",
            description = "copy these tables (comma-separated) again as of a snapshot while the rest keeps streaming")
    String snapshotTables;

    @Option(names = "--snapshotWorkers", defaultValue = "2",
            description = "how many chunks of a snapshot copy run at once (default ${DEFAULT-VALUE})")
    int snapshotWorkers;

    @Option(names = "--stagingDB", defaultValue = TargetConfig.DEFAULT_STAGING,
            description = "the schema in the target database that stores cdc-sink's metadata"
                    + " (default \"${DEFAULT-VALUE}\")")
    String stagingDB;

    @Option(names = "--standbyTimeout", defaultValue = "5s", converter = GoDuration.class,
            description = "how often to commit the consistent point (default ${DEFAULT-VALUE})")
    Duration standbyTimeout;

    @Option(names = "--targetConn", converter = FileValue.class,
            description = "the target cluster's connection string (or @file: read from that file)")
    String targetConn;

    @Option(names = "--targetDB", description = "the SQL database in the target cluster to update")
    String targetDB;

    @Option(names = "--targetDBConns", defaultValue = "1024",
            description = "the maximum pool size to the target cluster (default ${DEFAULT-VALUE})")
    int targetDBConns;

    TargetConfig target() {
        // --immediate is the loop's (loop(...)): the loop writes to the target itself, and the changefeed
        // pipeline, which TargetConfig's mode is for, receives nothing in these commands.
        return target(targetConn, targetDBConns, false, stagingDB, onApplyError);
    }

    /**
     * The target of a command that names it with {@code --targetConn} (the logical commands, {@code kafka},
     * {@code objstore}); {@code immediate} is the changefeed pipeline's mode.
     */
    static TargetConfig target(String targetConn, int targetDBConns, boolean immediate, String stagingDB,
                               String onApplyError) {
        if (targetConn == null || targetConn.isBlank()) {
            throw new IllegalArgumentException("no target connection string specified: set --targetConn");
        }
        return new TargetConfig(ConnectionString.parse("--targetConn", targetConn), targetDBConns, immediate,
                stagingDB, Duration.ofSeconds(10), TargetConfig.DEFAULT_WRITERS, OnApplyError.parse(onApplyError));
    }

    /**
     * The replication loop's options ({@code SourceContext.LOGICAL_OPTIONS}) of these flags, checked now, before any
     * database is contacted, together with {@code --targetDBConns}.
     */
    Map<String, String> loop(String loopName) {
        if (targetDB == null || targetDB.isBlank()) {
            throw new IllegalArgumentException("no target database specified: set --targetDB");
        }
        LogicalConfig config = new LogicalConfig(loopName, targetDB, immediate, backfillWindow, fanShards,
                bytesInFlight, applyTimeout, retryDelay, standbyTimeout, SchemaEvolution.parse(schemaEvolution),
                SnapshotConfig.of(snapshot, snapshotTables, snapshotWorkers, snapshotChunkRows,
                        String.join(";", snapshotKeys)));
        config.requirePool(targetDBConns);
        return config.toOptions();
    }
}
