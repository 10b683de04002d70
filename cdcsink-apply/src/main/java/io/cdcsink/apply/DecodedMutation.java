package io.cdcsink.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cdcsink.api.Hlc;
import java.util.Objects;
import java.util.Optional;

/**
 * A mutation with its JSON parsed.
 *
 * @param time     source time
 * @param keyText  the key in normalised JSON text: equal keys have equal text
 * @param key      the key values in primary-key order
 * @param after    the new row (scanned, not parsed), empty for a delete
 */
record DecodedMutation(Hlc time, String keyText, ArrayNode key, Optional<Row> after) {
    DecodedMutation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(keyText, "keyText");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(after, "after");
    }

    boolean isDelete() {
        return after.isEmpty();
    }
}
