package io.cdcsink.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One row change: the row's key (a JSON array of primary-key values in key order), the new row as a JSON object,
 * or nothing for a delete, and the source time of the change. JSON is kept as raw text so numbers keep their
 * full precision until they reach the target.
 *
 * <p>A row may be sparse: a property it leaves out keeps the value the target row has (or gets the column's default
 * when the row is new). A change that gives a row a new key ({@link #move}) names the old key in {@code movedFrom}:
 * the row under the old key is deleted, and the properties the new row leaves out keep the values it had there.
 *
 * @param time      source timestamp of the change
 * @param key       JSON array text of the primary-key values, never empty
 * @param data      JSON object text of the new row; empty for a delete
 * @param movedFrom JSON array text of the row's previous key when the change gave it a new one; empty otherwise
 */
public record Mutation(Hlc time, String key, Optional<String> data, Optional<String> movedFrom) {
    public Mutation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(movedFrom, "movedFrom");
        if (key == null || key.isBlank()) {
            throw new BadInputException("empty mutation key");
        }
        if (data.isPresent() && (data.get().isBlank() || "null".equals(data.get().strip()))) {
            data = Optional.empty();
        }
        if (movedFrom.isPresent() && data.isEmpty()) {
            throw new IllegalArgumentException("a delete cannot move a row (key " + key + ")");
        }
        if (movedFrom.isPresent() && movedFrom.get().isBlank()) {
            throw new BadInputException("empty previous key for key " + key);
        }
    }

    /** A change that is not a move. */
    public Mutation(Hlc time, String key, Optional<String> data) {
        this(time, key, data, Optional.empty());
    }

    public static Mutation upsert(Hlc time, String key, String data) {
        return new Mutation(time, key, Optional.of(data));
    }

    public static Mutation delete(Hlc time, String key) {
        return new Mutation(time, key, Optional.empty());
    }

    /**
     * The row under {@code oldKey} now has key {@code newKey} and these values; properties {@code data} leaves out
     * keep the values the row had under {@code oldKey} (an unchanged PostgreSQL TOAST value, say).
     */
    public static Mutation move(Hlc time, String oldKey, String newKey, String data) {
        return new Mutation(time, newKey, Optional.of(data), Optional.of(oldKey));
    }

    public boolean isDelete() {
        return data.isEmpty();
    }

    public boolean isMove() {
        return movedFrom.isPresent();
    }
}
