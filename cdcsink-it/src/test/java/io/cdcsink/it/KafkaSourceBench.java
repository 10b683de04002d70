package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #29's benchmark of the kafka source: {@code java -jar cdc-sink.jar kafka} (consistent, then immediate) beside
 * its reference, a plain {@code KafkaConsumer} program ({@link PlainKafkaConsumer}) reading the same topic in a group
 * of its own and writing each poll as one multi-row upsert, committing offsets after each. Every run is a cold JVM of
 * its own, timed from its launch until the target table holds every row, then checked row by row.
 *
 * <p>Before any run, untimed: a real Kafka broker (KRaft, one combined controller and broker, Apache Kafka's test kit)
 * starts in this JVM, and N rows ({@code -Dbench.rows}, default 500,000) of {@code t (id BIGINT PRIMARY KEY, name
 * TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ)} ({@link TargetWriteReference}'s rows 1..N) go to topic {@code t} of 3
 * partitions (row {@code id} to partition {@code id % 3}) as a CockroachDB changefeed writes them (format=json,
 * envelope=wrapped, updated, resolved: key {@code [id]}, value {@code {"after": {...}, "updated": "<hlc>"}}), with a
 * resolved message to every partition after every 10,000 rows per partition and after the last row. Each run writes
 * into a fresh target database; the broker shares this JVM, so its CPU is in the "bench JVM" figure. A benchmark, not
 * a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=KafkaSourceBench [-Dbench.rows=500000] [-Dbench.repeats=3]"
        + " [-Dbench.consumer=max.poll.records=5000] [-Dbench.broker=group.coordinator.append.linger.ms=0]")
class KafkaSourceBench {
    static final String TARGET_DDL = "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4),"
            + " at TIMESTAMPTZ)";
    private static final long BASE = 1_700_000_000_000_000_000L;
    private static final String TOPIC = "t";
    private static final int PARTITIONS = 3;
    private static final int RESOLVED_EVERY = 10_000;
    private static KafkaClusterTestKit cluster;

    private final EmbeddedPg target = EmbeddedPg.shared();
    private final int rows = Integer.getInteger("bench.rows", 500_000);
    /**
     * {@code -Dbench.consumer=key=value,...}: consumer properties for both the reference and cdc-sink (its
     * {@code --kafkaProperty}), e.g. {@code max.poll.records=5000}; none by default (the client's defaults).
     */
    private final List<String> consumer = List.of(System.getProperty("bench.consumer", "").split(",")).stream()
            .map(String::strip).filter(s -> !s.isEmpty()).toList();
    private int group;

    /**
     * {@code -Dbench.broker=key=value,...}: broker settings on top of the test kit's, e.g.
     * {@code group.coordinator.append.linger.ms=0}; none by default (Kafka's defaults).
     */
    @BeforeAll
    static void startKafka() throws Exception {
        cluster = startCluster(System.getProperty("bench.broker", ""));
    }

    /** A one-node Kafka cluster (combined controller and broker) in this JVM, with {@code settings} on top. */
    static KafkaClusterTestKit startCluster(String settings) throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        for (String setting : settings.split(",")) {
            if (!setting.isBlank()) {
                int eq = setting.indexOf('=');
                builder.setConfigProp(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
            }
        }
        KafkaClusterTestKit kit = builder.build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return kit;
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void kafkaSourceAgainstAPlainConsumer() throws Exception {
        int repeats = Ratios.repeats(5, "each run reads the whole topic three times");
        Map<TopicPartition, Long> ends = produce(cluster.bootstrapServers(), TOPIC, rows);
        List<Double> consistentRatios = new ArrayList<>();
        List<Double> immediateRatios = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            // The reference first in even runs, cdc-sink first in odd ones: neither always comes after the other.
            SourceRuns.Run reference = null;
            if (r % 2 == 0) {
                reference = reference();
            }
            SourceRuns.Run consistent = ours(false);
            SourceRuns.Run immediate = ours(true);
            if (reference == null) {
                reference = reference();
            }
            consistentRatios.add(consistent.seconds() / reference.seconds());
            immediateRatios.add(immediate.seconds() / reference.seconds());
            System.out.printf("BENCH kafka, %,d rows, 1 topic of %d partitions, run %d: plain consumer %.2f s (%,.0f"
                            + " rows/s); wall time ours / reference (lower is better): consistent %s, immediate %s%n",
                    rows, PARTITIONS, r + 1, reference.seconds(), rows / reference.seconds(),
                    SourceRuns.ratio(consistent, reference, rows), SourceRuns.ratio(immediate, reference, rows));
            for (SourceRuns.Run run : List.of(reference, consistent, immediate)) {
                System.out.printf("BENCH   %s%n", run.line(rows));
            }
            for (SourceRuns.Run run : List.of(consistent, immediate)) {
                System.out.printf("BENCH     %s, cdc-sink JVM threads per row:%s%n", run.what(),
                        CpuMeter.perRow(run.threads(), rows));
            }
        }
        System.out.printf("BENCH kafka, median of %d runs, wall time ours / plain consumer: consistent %.2f (runs %s),"
                        + " immediate %.2f (runs %s); the broker runs in the bench JVM; end offsets %s%n", repeats,
                Ratios.median(consistentRatios), Ratios.list(consistentRatios), Ratios.median(immediateRatios),
                Ratios.list(immediateRatios), ends.values() + (consumer.isEmpty() ? "" : "; consumer properties " + consumer)
                        + (System.getProperty("bench.broker", "").isBlank() ? "" : "; broker settings "
                        + System.getProperty("bench.broker")));
    }

    /** The plain consumer program in a group of its own, into a fresh database. */
    private SourceRuns.Run reference() throws Exception {
        String db = freshTarget("kref");
        List<String> args = new ArrayList<>(List.of(cluster.bootstrapServers(), TOPIC, "plain-" + (++group),
                target.jdbcUrl(db)));
        args.addAll(consumer);
        return SourceRuns.reference("plain KafkaConsumer, upsert and commitSync per poll", target, db, rows,
                SourceRuns.plainJvm(PlainKafkaConsumer.class, args));
    }

    /** {@code cdc-sink kafka} in a group of its own, into a fresh database. */
    private SourceRuns.Run ours(boolean immediate) throws Exception {
        String db = freshTarget(immediate ? "kimm" : "kcons");
        List<String> args = new ArrayList<>(List.of("kafka", "--broker", cluster.bootstrapServers(),
                "--group", "cdc-sink-" + (++group), "--topic", TOPIC, "--targetConn", target.connectionString(),
                "--targetSchema", db + ".public"));
        if (immediate) {
            args.add("--immediate");
        }
        for (String property : consumer) {
            args.addAll(List.of("--kafkaProperty", property));
        }
        return SourceRuns.ours("cdc-sink kafka " + (immediate ? "--immediate" : "(consistent)"), immediate
                ? "kafka-immediate" : "kafka-consistent", target, db, rows, args);
    }

    private String freshTarget(String prefix) throws Exception {
        String db = target.freshDatabase(prefix);
        target.exec(db, TARGET_DDL);
        return db;
    }

    private static String hlc(long t) {
        return (BASE + t) + ".0000000000";
    }

    /**
     * The changefeed's messages, untimed: row {@code id} at time {@code 10 * id} to partition {@code id % 3}; a
     * resolved message at {@code 10 * id + 5} to every partition after each 10,000 rows per partition and after the
     * last row, into a new topic of 3 partitions. Returns the end offset of every partition.
     */
    static Map<TopicPartition, Long> produce(String bootstrap, String topic, int rows) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        long start = System.nanoTime();
        int resolvedMessages = 0;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            AtomicReference<Exception> failed = new AtomicReference<>();
            for (long id = 1; id <= rows; id++) {
                String value = "{\"after\":{\"id\":" + id + ",\"name\":\"name-" + id + "\",\"amount\":"
                        + TargetWriteReference.amount(id) + ",\"at\":\"2024-01-01T00:00:00Z\"},\"updated\":\""
                        + hlc(10 * id) + "\"}";
                producer.send(new ProducerRecord<>(topic, (int) (id % PARTITIONS), utf8("[" + id + "]"),
                        utf8(value)), (m, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
                if (id % ((long) RESOLVED_EVERY * PARTITIONS) == 0 || id == rows) {
                    for (int part = 0; part < PARTITIONS; part++) {
                        producer.send(new ProducerRecord<>(topic, part, null,
                                utf8("{\"resolved\":\"" + hlc(10 * id + 5) + "\"}")), (m, e) -> {
                                    if (e != null) {
                                        failed.compareAndSet(null, e);
                                    }
                                });
                    }
                    resolvedMessages += PARTITIONS;
                }
            }
            producer.flush();
            assertThat(failed.get()).as("every message sent").isNull();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int part = 0; part < PARTITIONS; part++) {
                latest.put(new TopicPartition(topic, part), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).as("messages in the topic")
                    .isEqualTo(rows + resolvedMessages);
            System.out.printf("BENCH kafka: produced %,d rows and %,d resolved messages in %.1f s (untimed)%n", rows,
                    resolvedMessages, (System.nanoTime() - start) / 1e9);
            return ends;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
