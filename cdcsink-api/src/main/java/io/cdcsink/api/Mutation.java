package io.cdcsink.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One row change: the row's key (a JSON array of primary-key values in key order), the new row as a JSON object,
 * or nothing for a delete, and the source time of the change. JSON is kept as raw text so numbers keep their
 * full precision until they reach the target.
 *
 * <p>Values are in {@link ValueFormat#CHANGEFEED_JSON}. A row may be sparse: a property it leaves out keeps the value
 * the target row has (or gets the column's default when the row is new).
 *
 * @param time source timestamp of the change
 * @param key  JSON array text of the primary-key values, never empty
 * @param data JSON object text of the new row; empty for a delete
 */
public record Mutation(Hlc time, String key, Optional<String> data) {
    public Mutation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
        if (key == null || key.isBlank()) {
            throw new BadInputException("empty mutation key");
        }
        if (data.isPresent() && (data.get().isBlank() || "null".equals(data.get().strip()))) {
            data = Optional.empty();
        }
    }

    public static Mutation upsert(Hlc time, String key, String data) {
        return new Mutation(time, key, Optional.of(data));
    }

    public static Mutation delete(Hlc time, String key) {
        return new Mutation(time, key, Optional.empty());
    }

    public boolean isDelete() {
        return data.isEmpty();
    }
}
