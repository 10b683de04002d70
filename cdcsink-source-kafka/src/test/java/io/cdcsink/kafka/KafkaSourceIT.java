package io.cdcsink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedPg;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kafka source against a real Kafka broker (KRaft, one combined controller and broker, started in this JVM by
 * Apache Kafka's test kit) and the real PostgreSQL target: messages shaped as a CockroachDB changefeed writes them to
 * a {@code kafka://} sink (format=json, envelope=wrapped, updated, resolved, topic_prefix), two topics of three
 * partitions each.
 */
class KafkaSourceIT {
    private static final long BASE = 1_700_000_000_000_000_000L;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static KafkaClusterTestKit cluster;
    private static KafkaProducer<byte[], byte[]> producer;
    private static Admin admin;

    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String db;
    private String prefix;
    private String group;

    @BeforeAll
    static void startKafka() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void freshTargetAndTopics() throws Exception {
        int n = COUNTER.incrementAndGet();
        db = pg.freshDatabase("kafka");
        prefix = "t" + n + "_";
        group = "g" + n;
        pg.exec(db, "CREATE TABLE orders (id INT PRIMARY KEY, v TEXT)", "CREATE TABLE items (id INT PRIMARY KEY, v TEXT)");
        admin.createTopics(List.of(new NewTopic(prefix + "orders", 3, (short) 1),
                new NewTopic(prefix + "items", 3, (short) 1))).all().get();
    }

    private Map<String, String> options(boolean immediate) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("brokers", cluster.bootstrapServers());
        o.put("group", group);
        o.put("topics", prefix + "orders," + prefix + "items");
        o.put("topicPrefix", prefix);
        o.put("targetSchema", db + ".public");
        o.put("immediate", String.valueOf(immediate));
        o.put("retryDelay", "500ms");
        return o;
    }

    private Replicator start(boolean immediate) throws Exception {
        return Replicator.builder().target(TargetConfig.of(pg.connectionString()).withImmediate(immediate))
                .disableAuthentication().source(KafkaSourceProvider.NAME, options(immediate)).start();
    }

    private static String hlc(long t) {
        return (BASE + t) + ".0000000000";
    }

    /** A row message as the changefeed writes it; the partition stands in for the key's hash. */
    private void row(String table, int id, String v, long t) throws Exception {
        String value = "{\"after\":" + (v == null ? "null" : "{\"id\":" + id + ",\"v\":\"" + v + "\"}")
                + ",\"updated\":\"" + hlc(t) + "\"}";
        send(table, id % 3, "[" + id + "]", value);
    }

    private void resolved(String table, int partition, long t) throws Exception {
        send(table, partition, null, "{\"resolved\":\"" + hlc(t) + "\"}");
    }

    /** A resolved message to every partition of both topics, as the changefeed emits them. */
    private void resolvedEverywhere(long t) throws Exception {
        for (String table : List.of("orders", "items")) {
            for (int p = 0; p < 3; p++) {
                resolved(table, p, t);
            }
        }
    }

    private void send(String table, int partition, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(prefix + table, partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8))).get();
    }

    private Map<Integer, String> rows(String table) throws SQLException {
        Map<Integer, String> out = new TreeMap<>();
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    private int storedResolved() throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM _cdc_sink.kafka_resolved WHERE group_id = '"
                     + group + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static <T> void await(String what, Supplier<T> actual, T expected) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T last = null;
        while (System.nanoTime() < until) {
            last = actual.get();
            if (expected.equals(last)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(last).as(what).isEqualTo(expected);
    }

    private Supplier<Map<Integer, String>> table(String table) {
        return () -> {
            try {
                return rows(table);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The consumer group has committed every message of both topics: nothing left to read, nothing read twice. */
    private void awaitAllCommitted() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<TopicPartition, Long> ends = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new LinkedHashMap<>();
        for (String table : List.of("orders", "items")) {
            for (int p = 0; p < 3; p++) {
                specs.put(new TopicPartition(prefix + table, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
        }
        // A partition that never had a message has no committed offset.
        admin.listOffsets(specs).all().get().forEach((tp, info) -> {
            if (info.offset() > 0) {
                ends.put(tp, info.offset());
            }
        });
        Map<TopicPartition, Long> committed = null;
        while (System.nanoTime() < until) {
            committed = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().entrySet()) {
                committed.put(e.getKey(), e.getValue() == null ? null : e.getValue().offset());
            }
            if (committed.equals(ends)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(committed).as("committed offsets").isEqualTo(ends);
    }

    @Test
    void consistentModeAppliesNothingBeforeEveryPartitionIsResolvedThenTheNewestAsOfTheResolvedTime()
            throws Exception {
        for (int id = 1; id <= 6; id++) {
            row("orders", id, "o" + id, 100);
        }
        for (int id = 1; id <= 3; id++) {
            row("items", id, "i" + id, 150);
        }
        row("orders", 1, "o1-updated", 200);
        row("orders", 2, null, 300);
        row("items", 3, "i3-updated", 250);
        // Later than the resolved timestamp that follows in its partition: must wait for the next one.
        row("orders", 4, "o4-later", 450);
        resolvedEverywhere(400);
        try (Replicator r = start(false)) {
            await("orders resolved at 400", table("orders"), Map.of(1, "o1-updated", 3, "o3", 4, "o4",
                    5, "o5", 6, "o6"));
            await("items resolved at 400", table("items"), Map.of(1, "i1", 2, "i2", 3, "i3-updated"));
            awaitAllCommitted();
        }
    }

    @Test
    void aSchemaIsResolvedOnlyWhenEveryPartitionOfEveryTopicHasPassedTheTime() throws Exception {
        row("orders", 1, "o1", 100);
        row("items", 1, "i1", 100);
        for (int p = 0; p < 3; p++) {
            resolved("orders", p, 400);
        }
        resolved("items", 0, 400);
        resolved("items", 1, 400);
        try (Replicator r = start(false)) {
            await("resolved timestamps stored", () -> {
                try {
                    return storedResolved();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 5);
            awaitAllCommitted();
            Thread.sleep(1500);
            assertThat(rows("orders")).as("items partition 2 has not passed 400").isEmpty();
            assertThat(rows("items")).isEmpty();
            resolved("items", 2, 400);
            await("orders", table("orders"), Map.of(1, "o1"));
            await("items", table("items"), Map.of(1, "i1"));
        }
    }

    @Test
    void aRestartedConsumerOfTheGroupGoesOnWithoutLossOrDuplication() throws Exception {
        for (int id = 1; id <= 6; id++) {
            row("orders", id, "o" + id, 100);
            row("items", id, "i" + id, 100);
        }
        resolvedEverywhere(200);
        try (Replicator r = start(false)) {
            await("first window", table("orders"), Map.of(1, "o1", 2, "o2", 3, "o3", 4, "o4", 5, "o5", 6, "o6"));
            awaitAllCommitted();
        }
        // While no consumer runs: updates, deletes, an insert, and the next resolved timestamp.
        row("orders", 1, "o1-b", 300);
        row("orders", 2, null, 310);
        row("orders", 7, "o7", 320);
        row("items", 6, null, 330);
        row("items", 5, "i5-b", 340);
        resolvedEverywhere(400);
        try (Replicator r = start(false)) {
            await("orders after the restart", table("orders"), Map.of(1, "o1-b", 3, "o3", 4, "o4", 5, "o5", 6, "o6",
                    7, "o7"));
            await("items after the restart", table("items"), Map.of(1, "i1", 2, "i2", 3, "i3", 4, "i4", 5, "i5-b"));
            awaitAllCommitted();
            row("orders", 3, "o3-c", 500);
            resolvedEverywhere(600);
            await("orders while running", table("orders"), Map.of(1, "o1-b", 3, "o3-c", 4, "o4", 5, "o5", 6, "o6",
                    7, "o7"));
            awaitAllCommitted();
        }
    }

    @Test
    void immediateModeAppliesAtOnceAndIgnoresResolvedTimestamps() throws Exception {
        try (Replicator r = start(true)) {
            row("orders", 1, "o1", 100);
            row("orders", 2, "o2", 100);
            row("items", 1, "i1", 100);
            await("orders", table("orders"), Map.of(1, "o1", 2, "o2"));
            await("items", table("items"), Map.of(1, "i1"));
            row("orders", 1, null, 200);
            row("orders", 2, "o2-b", 210);
            resolved("orders", 0, 300);
            await("orders", table("orders"), Map.of(2, "o2-b"));
            awaitAllCommitted();
        }
    }

    @Test
    void twoReplicatorsInOneGroupShareThePartitionsAndTheResolvedTimestamps() throws Exception {
        List<Replicator> replicators = new ArrayList<>();
        try {
            replicators.add(start(false));
            replicators.add(start(false));
            for (int id = 1; id <= 9; id++) {
                row("orders", id, "o" + id, 100);
                row("items", id, "i" + id, 100);
            }
            row("orders", 9, null, 150);
            resolvedEverywhere(200);
            Map<Integer, String> orders = new TreeMap<>();
            Map<Integer, String> items = new TreeMap<>();
            for (int id = 1; id <= 9; id++) {
                if (id != 9) {
                    orders.put(id, "o" + id);
                }
                items.put(id, "i" + id);
            }
            await("orders", table("orders"), orders);
            await("items", table("items"), items);
            awaitAllCommitted();
        } finally {
            for (Replicator r : replicators) {
                r.close();
            }
        }
    }

    @Test
    void aBatchTheTargetRefusesIsNotCommittedAndIsReadAgainUntilAccepted() throws Exception {
        pg.exec(db, "DROP TABLE items");
        row("orders", 1, "o1", 100);
        row("items", 1, "i1", 100);
        row("items", 2, "i2", 110);
        resolvedEverywhere(200);
        try (Replicator r = start(false)) {
            KafkaSource source = r.source(KafkaSource.class);
            await("the problem is reported", () -> source.problem().isPresent(), true);
            assertThat(source.problem().get()).contains("items");
            Thread.sleep(1000);
            assertThat(rows("orders")).isEmpty();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.keySet()).as("nothing committed while the batch fails")
                    .noneMatch(tp -> tp.topic().endsWith("items"));
            pg.exec(db, "CREATE TABLE items (id INT PRIMARY KEY, v TEXT)");
            await("orders", table("orders"), Map.of(1, "o1"));
            await("items", table("items"), Map.of(1, "i1", 2, "i2"));
            awaitAllCommitted();
            await("the problem is gone", () -> source.problem().isPresent(), false);
        }
    }
}
