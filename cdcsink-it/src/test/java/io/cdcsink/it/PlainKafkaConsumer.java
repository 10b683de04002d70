package io.cdcsink.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@link KafkaSourceBench}'s reference, run in a JVM of its own: what a plain tool does with a changefeed topic. A
 * {@link KafkaConsumer} with the client's defaults (500 records per poll), in its own group, reads the topic from the
 * beginning to the end offsets it saw at start; each poll's rows ({@code after} objects; resolved messages skipped,
 * no consistency) are written as one multi-row upsert ({@code INSERT ... SELECT FROM jsonb_populate_recordset ... ON
 * CONFLICT DO UPDATE}, the statement of {@link TargetWriteReference}) on one autocommit connection, then the poll's
 * offsets are committed ({@code commitSync}).
 *
 * <p>Arguments: bootstrap servers, topic, group, JDBC URL of the target database, then any {@code key=value}
 * consumer properties.
 */
public final class PlainKafkaConsumer {
    static final String UPSERT = "INSERT INTO t SELECT * FROM jsonb_populate_recordset(NULL::t, ?::jsonb)"
            + " ON CONFLICT (id) DO UPDATE SET (name, amount, at) = (excluded.name, excluded.amount, excluded.at)";

    private PlainKafkaConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String topic = args[1];
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, args[2]);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        long rows = 0;
        long batches = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
             Connection db = DriverManager.getConnection(args[3]);
             PreparedStatement upsert = db.prepareStatement(UPSERT)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            consumer.subscribe(List.of(topic));
            while (!atEnd(consumer, ends)) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                ArrayNode batch = json.createArrayNode();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    JsonNode value = json.readTree(r.value());
                    if (value.has("resolved")) {
                        continue;
                    }
                    JsonNode after = value.get("after");
                    if (after == null || after.isNull()) {
                        throw new IllegalStateException("a delete at " + r.topic() + "/" + r.partition() + "@"
                                + r.offset() + ": the benchmark's workload has none");
                    }
                    batch.add(after);
                }
                if (!batch.isEmpty()) {
                    upsert.setString(1, json.writeValueAsString(batch));
                    upsert.executeUpdate();
                    rows += batch.size();
                }
                consumer.commitSync();
                batches++;
            }
        }
        System.out.printf("plain consumer: %d rows in %d batches%n", rows, batches);
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (!assigned.containsAll(ends.keySet())) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
