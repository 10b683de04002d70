package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.kafka.KafkaConfig;
import io.cdcsink.kafka.KafkaSourceProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cdc-sink kafka}: consume CockroachDB changefeeds written to Kafka topics. */
@Command(name = "kafka", mixinStandardHelpOptions = true, sortOptions = false,
        description = "consume CockroachDB changefeeds from Kafka topics (kafka:// sink, JSON) and apply them to the"
                + " target")
final class KafkaCommand implements Callable<Integer>, Replicating {
    @Spec
    CommandSpec spec;


    @Option(names = "--broker", description = "a Kafka broker to bootstrap from, host:port (repeatable; required)")
    List<String> brokers = new ArrayList<>();

    @Option(names = "--group", description = "the Kafka consumer group; instances with the same group share the"
            + " partitions and the resolved timestamps (required)")
    String group;

    @Option(names = "--topic", description = "a topic to consume (repeatable); or use --topicPattern")
    List<String> topics = new ArrayList<>();

    @Option(names = "--topicPattern", description = "a regular expression of the topics to consume, instead of"
            + " --topic")
    String topicPattern;

    @Option(names = "--topicPrefix", defaultValue = "",
            description = "the changefeed's topic_prefix, removed from a topic before it names the table")
    String topicPrefix;

    @Option(names = "--targetConn", converter = FileValue.class,
            description = "the target's connection string (or @file: read from that file)")
    String targetConn;

    @Option(names = "--targetSchema", description = "the database.schema in the target to write every table to")
    String targetSchema;

    @Option(names = "--immediate",
            description = "apply mutations immediately without waiting for resolved timestamps")
    boolean immediate;

    @Option(names = "--kafkaProperty", converter = FileValue.class,
            description = "key=value passed to the Kafka consumer, e.g. security.protocol=SSL (repeatable; or @file:"
                    + " read from that file)")
    List<String> kafkaProperties = new ArrayList<>();

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

    @Option(names = "--retryDelay", defaultValue = "10s", converter = GoDuration.class,
            description = "the amount of time to wait before reading a failed batch again (default ${DEFAULT-VALUE})")
    Duration retryDelay;

    @Option(names = "--stagingDB", defaultValue = TargetConfig.DEFAULT_STAGING,
            description = "the schema in the target database that stores cdc-sink's metadata and the group's"
                    + " resolved timestamps (default \"${DEFAULT-VALUE}\")")
    String stagingDB;

    @Option(names = "--targetDBConns", defaultValue = "32",
            description = "the maximum pool size per target database (default ${DEFAULT-VALUE})")
    int targetDBConns;

    @Override
    public Integer call() throws Exception {
        return LogicalRunner.serve(spec, replicator(), metricsAddr, pidFile, stop.shutdownTimeout);
    }

    @Override
    public Replicator.Builder replicator() {
        return Replicator.builder().target(target()).source(KafkaSourceProvider.NAME, config().toOptions());
    }

    /** The source settings of these flags, checked before anything is contacted. */
    KafkaConfig config() {
        Optional<Pattern> pattern = Optional.ofNullable(topicPattern).filter(s -> !s.isBlank()).map(s -> {
            try {
                return Pattern.compile(s);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--topicPattern is not a regular expression: " + e.getMessage(), e);
            }
        });
        if (targetSchema == null || targetSchema.isBlank()) {
            throw new IllegalArgumentException("no target schema specified: set --targetSchema database.schema");
        }
        return new KafkaConfig(brokers, group, topics, pattern, topicPrefix, KafkaConfig.schema(targetSchema),
                immediate, stagingDB, retryDelay, KafkaConfig.properties(kafkaProperties));
    }

    TargetConfig target() {
        return LogicalOptions.target(targetConn, targetDBConns, immediate, stagingDB, onApplyError);
    }
}
