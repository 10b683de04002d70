package io.cdcsink.kafka;

import io.cdcsink.api.Options;
import io.cdcsink.api.SchemaName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The settings of the {@code kafka} source, as options ({@link #toOptions}, {@link #fromOptions}): {@code brokers}
 * and {@code topics} comma-separated, {@code kafkaProperties} as {@code key=value} lines.
 *
 * @param brokers         bootstrap servers, host:port
 * @param group           the consumer group; also names the group's resolved timestamps in the target
 * @param topics          the topics to consume, or empty with {@code topicPattern}
 * @param topicPattern    a regular expression of topics to consume, instead of {@code topics}
 * @param topicPrefix     the changefeed's {@code topic_prefix}, removed from a topic before it names a table
 * @param target          the target database and schema every table is written to
 * @param immediate       apply at once and ignore resolved timestamps
 * @param stagingSchema   the schema of the target database that holds {@code kafka_resolved}
 * @param retryDelay      how long to wait before trying a failed batch again
 * @param kafkaProperties passed to the Kafka consumer as they are (TLS, SASL, timeouts)
 */
public record KafkaConfig(List<String> brokers, String group, List<String> topics, Optional<Pattern> topicPattern,
                          String topicPrefix, SchemaName target, boolean immediate, String stagingSchema,
                          Duration retryDelay, Map<String, String> kafkaProperties) {
    public static final Set<String> OPTIONS = Set.of("brokers", "group", "topics", "topicPattern", "topicPrefix",
            "targetSchema", "immediate", "stagingSchema", "retryDelay", "kafkaProperties");
    public static final String DEFAULT_STAGING = "_cdc_sink";

    public KafkaConfig {
        brokers = List.copyOf(brokers);
        topics = List.copyOf(topics);
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("--broker is required");
        }
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("--group is required");
        }
        if (topics.isEmpty() == topicPattern.isEmpty()) {
            throw new IllegalArgumentException("set either --topic (repeatable) or --topicPattern");
        }
        for (String k : List.of("group.id", "enable.auto.commit", "key.deserializer", "value.deserializer")) {
            if (kafkaProperties.containsKey(k)) {
                throw new IllegalArgumentException("--kafkaProperty " + k + " is set by cdc-sink and cannot be"
                        + " changed" + (k.equals("group.id") ? ": use --group" : ""));
            }
        }
    }

    /** Reads {@code db.schema}. */
    public static SchemaName schema(String text) {
        String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("--targetSchema must be database.schema, was \"" + text + "\"");
        }
        return new SchemaName(parts[0], parts[1]);
    }

    /** Reads {@code key=value} properties. */
    public static Map<String, String> properties(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--kafkaProperty must be key=value, was \"" + pair + "\"");
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1));
        }
        return out;
    }

    public static KafkaConfig fromOptions(Options o) {
        o.requireOnly(OPTIONS);
        Optional<Pattern> pattern = o.string("topicPattern").filter(s -> !s.isBlank()).map(s -> {
            try {
                return Pattern.compile(s);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--topicPattern is not a regular expression: " + e.getMessage(), e);
            }
        });
        List<String> props = o.string("kafkaProperties").filter(s -> !s.isEmpty())
                .map(s -> List.of(s.split("\n"))).orElse(List.of());
        return new KafkaConfig(list(o.required("brokers")), o.required("group"),
                list(o.string("topics", "")), pattern, o.string("topicPrefix", ""), schema(o.required("targetSchema")),
                o.bool("immediate", false), o.string("stagingSchema", DEFAULT_STAGING),
                o.duration("retryDelay", Duration.ofSeconds(10)), properties(props));
    }

    public Map<String, String> toOptions() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("brokers", String.join(",", brokers));
        out.put("group", group);
        if (!topics.isEmpty()) {
            out.put("topics", String.join(",", topics));
        }
        topicPattern.ifPresent(p -> out.put("topicPattern", p.pattern()));
        out.put("topicPrefix", topicPrefix);
        out.put("targetSchema", target.database() + "." + target.schema());
        out.put("immediate", String.valueOf(immediate));
        out.put("stagingSchema", stagingSchema);
        out.put("retryDelay", Options.text(retryDelay));
        List<String> props = new ArrayList<>();
        kafkaProperties.forEach((k, v) -> {
            if (v.contains("\n")) {
                throw new IllegalArgumentException("--kafkaProperty " + k + ": a value cannot contain a line break");
            }
            props.add(k + "=" + v);
        });
        out.put("kafkaProperties", String.join("\n", props));
        return out;
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
