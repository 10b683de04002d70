package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.RowChange;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses mutation JSON and folds the mutations of a batch into one per key. Knows nothing about the target table's
 * columns.
 */
final class MutationDecoder {
    private final JsonCodec json;

    MutationDecoder(JsonCodec json) {
        this.json = json;
    }

    /**
     * Decodes the mutations in order.
     *
     * @throws BadInputException naming the table when a key is not a JSON array or a row not a JSON object
     */
    List<DecodedMutation> decode(TableName table, List<Mutation> mutations) {
        List<DecodedMutation> out = new ArrayList<>(mutations.size());
        Row previous = null;
        for (Mutation m : mutations) {
            DecodedMutation.Key key = key(table, m, m.key(), "key");
            Optional<Row> after = Optional.empty();
            if (m.data().isPresent()) {
                after = scan(table, m, previous);
                if (after.isPresent()) {
                    previous = after.get();
                } else {
                    throw new BadInputException("table " + table + ": row for key " + key.text() + " at "
                            + m.time() + " is not a JSON object");
                }
            }
            out.add(new DecodedMutation(m.time(), key.text(), key.values(), after));
        }
        return out;
    }

    /**
     * Decodes a log-based source's changes, in order, without any JSON: rows keep their values. A row given a new
     * key becomes two: the row under its new key, whose origin is the old key, then the delete of the old key.
     */
    static List<DecodedMutation> decode(List<RowChange> changes) {
        List<DecodedMutation> out = new ArrayList<>(changes.size() + 1);
        // One array of names per shape, so that rows of one shape are namedAs each other.
        Map<RowShape, String[]> names = new IdentityHashMap<>();
        for (RowChange c : changes) {
            DecodedMutation.Key key = key(c.row());
            if (c.delete()) {
                out.add(new DecodedMutation(c.time(), key.text(), key.values(), Optional.empty()));
                continue;
            }
            Row row = Row.typed(names.computeIfAbsent(c.row().shape(),
                    s -> s.columns().toArray(String[]::new)), c.row());
            Optional<DecodedMutation.Key> from = c.movedFrom().map(MutationDecoder::key)
                    .filter(old -> !old.text().equals(key.text()));
            out.add(new DecodedMutation(c.time(), key.text(), key.values(), Optional.of(row), from));
            if (from.isPresent()) {
                out.add(new DecodedMutation(c.time(), from.get().text(), from.get().values(), Optional.empty()));
            }
        }
        return out;
    }

    /** A source row's key: its values as JSON strings (nulls as null), the text a key of the same values has. */
    private static DecodedMutation.Key key(SourceRow row) {
        ArrayNode values = JsonNodeFactory.instance.arrayNode(row.shape().keySize());
        for (int i = 0; i < row.shape().keySize(); i++) {
            String v = row.keyValue(i);
            values.add(v == null ? NullNode.getInstance() : TextNode.valueOf(v));
        }
        return new DecodedMutation.Key(row.keyJson(), values);
    }

    private DecodedMutation.Key key(TableName table, Mutation m, String text, String what) {
        FlatJson.Key flat = FlatJson.key(text);
        JsonNode key = flat != null ? flat.values() : parseKey(table, m, text, what);
        if (!(key instanceof ArrayNode keyArray)) {
            throw new BadInputException("table " + table + ": " + what + " " + text.strip() + " at " + m.time()
                    + " is not a JSON array");
        }
        if (keyArray.isEmpty()) {
            throw new BadInputException("table " + table + ": " + what + " at " + m.time()
                    + " is an empty JSON array");
        }
        return new DecodedMutation.Key(flat != null && flat.canonical() ? text : json.writeKey(keyArray), keyArray);
    }

    /**
     * Folds the mutations into one per key, as applying them one by one in order of time (between equal times, in
     * list order) would leave the table: the newest change of a key wins, and a row that leaves columns out takes
     * them from the change before it, so an insert followed by an update that left a column unchanged (an unchanged
     * TOAST value) still writes that column. A row given a new key takes what it leaves out from the pending change
     * of its old key, or, when the batch has none, from the target's row under the old key (its origin).
     */
    static List<DecodedMutation> fold(List<DecodedMutation> mutations) {
        // Sized for a batch of distinct keys, the common case, so the map never rehashes.
        Map<String, DecodedMutation> state = new LinkedHashMap<>(mutations.size() * 4 / 3 + 1);
        for (DecodedMutation m : mutations) {
            DecodedMutation current = state.get(m.keyText());
            if (m.isDelete()) {
                if (current == null || !current.time().isAfter(m.time())) {
                    state.put(m.keyText(), m);
                }
                continue;
            }
            DecodedMutation arriving = m.origin().isEmpty() ? m : fromOldKey(m, state.get(m.origin().get().text()));
            state.put(m.keyText(), current == null ? arriving : merge(current, arriving));
        }
        return new ArrayList<>(state.values());
    }

    /** A moved row, given what the batch holds for its old key so far (null: nothing). */
    private static DecodedMutation fromOldKey(DecodedMutation moved, DecodedMutation old) {
        if (old == null || old.time().isAfter(moved.time())) {
            return moved;
        }
        if (old.isDelete()) {
            // The source deleted the row before it moved it: nothing to take, from the batch or the target.
            return with(moved, moved.after().orElseThrow(), Optional.empty());
        }
        // What the old key's pending row leaves out is where that row would have taken it from.
        Optional<DecodedMutation.Key> origin = old.origin().isPresent() ? old.origin() : moved.origin();
        return with(moved, Row.merge(old.after().orElseThrow(), moved.after().orElseThrow()), origin);
    }

    /** The state of a key that had {@code current} pending when the upsert {@code arriving} came. */
    private static DecodedMutation merge(DecodedMutation current, DecodedMutation arriving) {
        Row row = arriving.after().orElseThrow();
        if (current.isDelete()) {
            return current.time().isAfter(arriving.time()) ? current : arriving;
        }
        Row pending = current.after().orElseThrow();
        if (current.time().isAfter(arriving.time())) {
            // An older change arriving late only fills in what the newer one leaves out.
            return with(current, Row.merge(row, pending), current.origin());
        }
        return with(arriving, Row.merge(pending, row),
                current.origin().isPresent() ? current.origin() : arriving.origin());
    }

    private static DecodedMutation with(DecodedMutation m, Row row, Optional<DecodedMutation.Key> origin) {
        if (m.after().orElseThrow() == row && m.origin().equals(origin)) {
            return m;
        }
        return new DecodedMutation(m.time(), m.keyText(), m.key(), Optional.of(row), origin);
    }

    private Optional<Row> scan(TableName table, Mutation m, Row previous) {
        try {
            return Row.scan(json, m.data().orElseThrow(), previous);
        } catch (JsonProcessingException e) {
            throw malformed(table, "row", m.time(), e);
        }
    }

    private static BadInputException malformed(TableName table, String what, Hlc time, JsonProcessingException e) {
        return new BadInputException("table " + table + ": malformed JSON in " + what + " at " + time + ": "
                + e.getOriginalMessage(), e);
    }

    /** A key {@link FlatJson} left to Jackson. */
    private JsonNode parseKey(TableName table, Mutation m, String text, String what) {
        try {
            return json.parse(text);
        } catch (JsonProcessingException e) {
            throw malformed(table, what, m.time(), e);
        }
    }
}
