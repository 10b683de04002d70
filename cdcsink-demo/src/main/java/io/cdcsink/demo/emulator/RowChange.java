package io.cdcsink.demo.emulator;

import java.util.Objects;
import java.util.Optional;

/**
 * One row change of a source transaction, as a changefeed reports it.
 *
 * @param topic the changefeed topic: the table name (the part after the last dot names the target table)
 * @param key   the primary key as a JSON array, e.g. {@code [42]}
 * @param after the new row as a JSON object; empty for a delete ({@code "after":null} on the wire)
 */
public record RowChange(String topic, String key, Optional<String> after) {
    public RowChange {
        Objects.requireNonNull(after, "after");
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (key == null || !key.strip().startsWith("[")) {
            throw new IllegalArgumentException("key must be a JSON array, was " + key);
        }
        if (after.isPresent() && !after.get().strip().startsWith("{")) {
            throw new IllegalArgumentException("after must be a JSON object, was " + after.get());
        }
    }

    public static RowChange upsert(String topic, String key, String after) {
        return new RowChange(topic, key, Optional.of(after));
    }

    public static RowChange delete(String topic, String key) {
        return new RowChange(topic, key, Optional.empty());
    }
}
