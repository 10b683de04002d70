package io.cdcsink.kafka;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Options;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.Source;
import io.cdcsink.api.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes changefeed topics as one member of a consumer group. Each poll's rows are accepted into the pipeline
 * (staged in consistent mode, applied in immediate mode), then the poll's resolved timestamps are stored per
 * partition in the target, and only then are the offsets committed: a record is never committed before it is
 * durable, so a crash re-reads it (staging the same row twice is harmless). In consistent mode the schema is resolved
 * at the minimum of the stored timestamps over every partition of every subscribed topic, by whichever member sees
 * it first.
 */
final class KafkaSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long CHECK_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
    /** cdc-sink's default {@code max.poll.records}; {@code --kafkaProperty max.poll.records=N} overrides it. */
    static final int MAX_POLL_RECORDS = 5_000;

    private final KafkaConfig config;
    private final Pipeline pipeline;
    private final ResolvedStore store;
    private final Function<Properties, Consumer<byte[], byte[]>> consumers;
    private volatile boolean running;
    private volatile String problem;
    private Thread thread;
    private Consumer<byte[], byte[]> consumer;
    private Hlc lastResolved = Hlc.ZERO;
    private long nextCheck;

    KafkaSource(KafkaConfig config, Pipeline pipeline, ResolvedStore store) {
        this(config, pipeline, store, KafkaConsumer::new);
    }

    KafkaSource(KafkaConfig config, Pipeline pipeline, ResolvedStore store,
                Function<Properties, Consumer<byte[], byte[]>> consumers) {
        this.config = config;
        this.pipeline = pipeline;
        this.store = store;
        this.consumers = consumers;
    }

    /** The consumer's settings: cdc-sink's defaults, the user's properties, then what correctness needs. */
    Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cdc-sink-" + config.group());
        // Each poll ends with a synchronous offset commit, which a Kafka 4 broker holds for its group coordinator's
        // linger (5 ms by default): at the client's 500 records per poll that wait, not the target, bounded the rate
        // (docs/benchmarks.md, rows 8 and 8b). 5,000 records make a tenth as many commits.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers()));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    @Override
    public synchronized void start() {
        pipeline.requireTarget(config.target());
        if (!config.immediate()) {
            store.create(config.stagingSchema());
        }
        consumer = consumers.apply(consumerProperties());
        try {
            if (config.topicPattern().isPresent()) {
                consumer.subscribe(config.topicPattern().get());
            } else {
                consumer.subscribe(config.topics());
            }
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        running = true;
        thread = new Thread(this::run, "kafka-" + config.group());
        thread.start();
        LOG.info("consuming {} as group {} from {} into {} ({} mode)", config.topicPattern().map(Object::toString)
                        .orElse(String.join(",", config.topics())), config.group(), String.join(",", config.brokers()),
                config.target(), config.immediate() ? "immediate" : "consistent");
    }

    private void run() {
        try {
            while (running) {
                try {
                    step();
                    problem = null;
                } catch (WakeupException e) {
                    // close() asked to stop.
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    problem = "kafka: " + e.getMessage();
                    LOG.warn("batch failed, reading again from the last committed offsets in {}: {}",
                            Options.text(config.retryDelay()), e.getMessage());
                    LOG.debug("batch failed", e);
                    rewind();
                    pause();
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer", e);
            }
        }
    }

    /** One poll: accept the rows, store the resolved timestamps, commit, resolve. */
    void step() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        Map<TableName, List<Mutation>> batch = new LinkedHashMap<>();
        Map<TopicPartition, Hlc> resolved = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            String where = "topic " + r.topic() + " partition " + r.partition() + " offset " + r.offset();
            ChangefeedMessage m = ChangefeedMessage.parse(r.key(), r.value(), where);
            if (m instanceof ChangefeedMessage.Row row) {
                batch.computeIfAbsent(table(r.topic()), t -> new ArrayList<>()).add(row.mutation());
            } else if (m instanceof ChangefeedMessage.Resolved res) {
                resolved.merge(tp, res.time(), (a, b) -> a.isAfter(b) ? a : b);
            }
            offsets.put(tp, new OffsetAndMetadata(r.offset() + 1));
        }
        if (!batch.isEmpty()) {
            if (config.immediate()) {
                pipeline.acceptImmediately(batch);
            } else {
                pipeline.accept(batch);
            }
        }
        if (!config.immediate() && !resolved.isEmpty()) {
            store.store(resolved);
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
        if (!config.immediate()) {
            maybeResolve(!resolved.isEmpty());
        }
    }

    /** Resolves the schema at the minimum over all partitions, when that has moved. */
    private void maybeResolve(boolean now) {
        long t = System.nanoTime();
        if (!now && t - nextCheck < 0) {
            return;
        }
        nextCheck = t + CHECK_EVERY_NANOS;
        List<TopicPartition> all = allPartitions();
        if (all.isEmpty()) {
            return;
        }
        Optional<Hlc> min = ResolvedStore.minimum(all, store.load());
        if (min.isEmpty() || !min.get().isAfter(lastResolved)) {
            return;
        }
        try {
            pipeline.resolved(config.target(), min.get());
            LOG.debug("resolved {} at {} (minimum over {} partitions)", config.target(), min.get(), all.size());
        } catch (BadInputException e) {
            if (e.getMessage() == null || !e.getMessage().contains("goes backwards")) {
                throw e;
            }
            // Another member of the group resolved a later time already.
            LOG.debug("{}", e.getMessage());
        }
        lastResolved = min.get();
    }

    /** Every partition of every subscribed topic, from the consumer's metadata. */
    private List<TopicPartition> allPartitions() {
        Set<String> topics = config.topicPattern().isPresent() ? consumer.subscription()
                : Set.copyOf(config.topics());
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            for (PartitionInfo info : infos) {
                out.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        return out;
    }

    /** The target table of a topic: {@code table} or {@code db.schema.table}, after the topic prefix. */
    TableName table(String topic) {
        String name = topic;
        if (!config.topicPrefix().isEmpty()) {
            if (!name.startsWith(config.topicPrefix())) {
                throw new BadInputException("topic \"" + topic + "\" does not start with the topic prefix \""
                        + config.topicPrefix() + "\"");
            }
            name = name.substring(config.topicPrefix().length());
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length > 3 || parts[parts.length - 1].isEmpty()) {
            throw new BadInputException("topic \"" + topic + "\" does not name a table (table or db.schema.table)");
        }
        return config.target().table(parts[parts.length - 1]);
    }

    /** After a failure: read again from the last committed offsets of every assigned partition. */
    private void rewind() {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata o = committed.get(tp);
                if (o == null) {
                    fromStart.add(tp);
                } else {
                    consumer.seek(tp, o);
                }
            }
            if (!fromStart.isEmpty()) {
                consumer.seekToBeginning(fromStart);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not rewind to the committed offsets: {}", e.getMessage());
        }
    }

    private void pause() {
        long until = System.nanoTime() + config.retryDelay().toNanos();
        while (running && until - System.nanoTime() > 0) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public void close() throws InterruptedException {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        if (t != null) {
            t.join();
        }
    }
}
