package io.cdcsink.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cdcsink.api.Hlc;
import java.util.Objects;
import java.util.Optional;

/**
 * A mutation with its JSON parsed.
 *
 * @param time    source time
 * @param keyText the key in normalised JSON text: equal keys have equal text
 * @param key     the key values in primary-key order
 * @param after   the new row (scanned, not parsed), empty for a delete
 * @param origin  for a row given a new key ({@link io.cdcsink.api.Mutation#move}): the key under which the target
 *                holds the values the row leaves out; empty when they are the target's own row under {@code key}
 */
record DecodedMutation(Hlc time, String keyText, ArrayNode key, Optional<Row> after, Optional<Key> origin) {
    DecodedMutation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(keyText, "keyText");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(origin, "origin");
        if (after.isEmpty() && origin.isPresent()) {
            throw new IllegalArgumentException("a delete has no origin");
        }
    }

    DecodedMutation(Hlc time, String keyText, ArrayNode key, Optional<Row> after) {
        this(time, keyText, key, after, Optional.empty());
    }

    boolean isDelete() {
        return after.isEmpty();
    }

    /** A key: its normalised text and its values in primary-key order. */
    record Key(String text, ArrayNode values) {
        Key {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(values, "values");
        }
    }
}
