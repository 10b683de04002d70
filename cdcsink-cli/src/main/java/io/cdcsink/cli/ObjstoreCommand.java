package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.objstore.ObjstoreConfig;
import io.cdcsink.objstore.ObjstoreSourceProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cdc-sink objstore}: a CockroachDB changefeed written to cloud storage, read back and applied. */
@Command(name = "objstore", mixinStandardHelpOptions = true, sortOptions = false,
        description = "read a CockroachDB cloud-storage changefeed from a directory or an S3 bucket and apply it to"
                + " the target")
final class ObjstoreCommand implements Callable<Integer>, Replicating {
    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true,
            description = "where the changefeed writes: file:///path or s3://bucket/prefix")
    String source;

    @Option(names = "--targetConn", converter = FileValue.class,
            description = "the target's connection string (or @file: read from that file)")
    String targetConn;

    @Option(names = "--targetSchema", required = true,
            description = "the database.schema whose tables receive the changefeed's topics")
    String targetSchema;

    @Option(names = "--immediate",
            description = "apply rows as they are read, ignoring resolved files (no transactional consistency)")
    boolean immediate;

    @Option(names = "--pollInterval", defaultValue = "1s", converter = GoDuration.class,
            description = "how long to wait between two listings of the source (default ${DEFAULT-VALUE})")
    Duration pollInterval;

    @Option(names = "--s3Endpoint",
            description = "an S3-compatible endpoint (http(s)://host:port) instead of AWS's; path-style access")
    String s3Endpoint;

    @Option(names = "--s3Region",
            description = "the bucket's region (default: the AWS region chain; us-east-1 with --s3Endpoint)")
    String s3Region;

    @Option(names = "--s3AccessKey", converter = FileValue.class,
            description = "an access key id, with --s3SecretKey (default: the AWS credentials chain, e.g."
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment)")
    String s3AccessKey;

    @Option(names = "--s3SecretKey", converter = FileValue.class,
            description = "the secret access key of --s3AccessKey (or @file: read from that file)")
    String s3SecretKey;

    @Option(names = "--metricsAddr", description = "a host:port to serve metrics from at /_/varz")
    String metricsAddr;

    @Option(names = "--onApplyError", defaultValue = "stop",
            description = "what to do with a row the target refuses: stop (wait and retry until it is accepted) or"
                    + " deadletter (set it aside in dead_letters and apply the rest) (default \"${DEFAULT-VALUE}\")")
    String onApplyError;

    @Option(names = "--pidFile",
            description = "write the process id here while running (for cdc-sink reload and kill -HUP)")
    Path pidFile;

    @Mixin
    ShutdownOption stop = new ShutdownOption();

    @Option(names = "--targetDBConns", defaultValue = "32",
            description = "the maximum pool size per target database (default ${DEFAULT-VALUE})")
    int targetDBConns;

    @Override
    public Integer call() throws Exception {
        return LogicalRunner.serve(spec, replicator(), metricsAddr, pidFile, stop.shutdownTimeout);
    }

    @Override
    public Replicator.Builder replicator() {
        return Replicator.builder().target(target()).source(ObjstoreSourceProvider.NAME, config().toOptions());
    }

    /** The source settings of these flags, checked before anything is contacted. */
    ObjstoreConfig config() {
        return new ObjstoreConfig(ObjstoreConfig.sourceUrl(source), ObjstoreConfig.schema(targetSchema), immediate,
                pollInterval, text(s3Endpoint), text(s3Region), text(s3AccessKey), text(s3SecretKey));
    }

    TargetConfig target() {
        return LogicalOptions.target(targetConn, targetDBConns, immediate, TargetConfig.DEFAULT_STAGING, onApplyError);
    }

    private static Optional<String> text(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(s -> !s.isEmpty());
    }
}
