package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parses mutation JSON and keeps the last mutation per key. Knows nothing about the target table's columns. */
final class MutationDecoder {
    private final JsonCodec json;

    MutationDecoder(JsonCodec json) {
        this.json = json;
    }

    /** @throws BadInputException naming the table when a key is not a JSON array or a row not a JSON object */
    List<DecodedMutation> decode(TableName table, List<Mutation> mutations) {
        List<DecodedMutation> out = new ArrayList<>(mutations.size());
        Row previous = null;
        for (Mutation m : mutations) {
            FlatJson.Key flat = FlatJson.key(m.key());
            JsonNode key = flat != null ? flat.values() : parseKey(table, m);
            if (!(key instanceof ArrayNode keyArray)) {
                throw new BadInputException("table " + table + ": key " + m.key().strip() + " at " + m.time()
                        + " is not a JSON array");
            }
            if (keyArray.isEmpty()) {
                throw new BadInputException("table " + table + ": key at " + m.time() + " is an empty JSON array");
            }
            Optional<Row> after = Optional.empty();
            if (m.data().isPresent()) {
                after = scan(table, m, previous);
                if (after.isPresent()) {
                    previous = after.get();
                } else {
                    throw new BadInputException("table " + table + ": row for key " + json.write(keyArray) + " at "
                            + m.time() + " is not a JSON object");
                }
            }
            String keyText = flat != null && flat.canonical() ? m.key() : json.writeKey(keyArray);
            out.add(new DecodedMutation(m.time(), keyText, keyArray, after));
        }
        return out;
    }

    /**
     * Keeps one mutation per key: the greatest time wins, and between equal times the one later in the list, so a
     * batch replayed in source order ends in the source's final state.
     */
    static List<DecodedMutation> lastWins(List<DecodedMutation> mutations) {
        // Sized for a batch of distinct keys, the common case, so the map never rehashes.
        Map<String, DecodedMutation> winners = new LinkedHashMap<>(mutations.size() * 4 / 3 + 1);
        for (DecodedMutation m : mutations) {
            DecodedMutation current = winners.get(m.keyText());
            if (current == null || !current.time().isAfter(m.time())) {
                winners.put(m.keyText(), m);
            }
        }
        return new ArrayList<>(winners.values());
    }

    private Optional<Row> scan(TableName table, Mutation m, Row previous) {
        try {
            return Row.scan(json, m.data().orElseThrow(), previous);
        } catch (JsonProcessingException e) {
            throw malformed(table, "row", m, e);
        }
    }

    private static BadInputException malformed(TableName table, String what, Mutation m, JsonProcessingException e) {
        return new BadInputException("table " + table + ": malformed JSON in " + what + " at " + m.time() + ": "
                + e.getOriginalMessage(), e);
    }

    /** A key {@link FlatJson} left to Jackson. */
    private JsonNode parseKey(TableName table, Mutation m) {
        try {
            return json.parse(m.key());
        } catch (JsonProcessingException e) {
            throw malformed(table, "key", m, e);
        }
    }
}
