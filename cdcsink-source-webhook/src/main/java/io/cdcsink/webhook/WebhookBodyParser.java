package io.cdcsink.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes the body of a CockroachDB {@code webhook-https://} sink:
 * {@code {"payload":[{"after":{…},"key":[…],"topic":"t","updated":"<hlc>"}],"length":1}} or
 * {@code {"resolved":"<hlc>"}}. Fields it does not use ({@code before}, {@code mvcc_timestamp}, {@code length},
 * anything newer) are skipped, so changefeeds created {@code WITH diff} or {@code WITH mvcc_timestamp} work. Rows
 * and keys are taken as the body has them ({@link Json}).
 */
public final class WebhookBodyParser {

    /**
     * @param schema the target schema from the request path
     * @param body   the request body; read to the end, not closed
     * @throws BadInputException naming the element index and field when the body is malformed
     * @throws IOException       when reading the body fails
     */
    public WebhookBody parse(SchemaName schema, InputStream body) throws IOException {
        // Bodies are bounded by the server's size limit: read whole, so rows are taken from the bytes.
        byte[] input = body.readAllBytes();
        Json.Input source = Json.bytes(input);
        try (JsonParser p = Json.FACTORY.createParser(input)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return WebhookBody.EMPTY;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new BadInputException("could not decode payload: the body must be a JSON object");
            }
            Map<TableName, List<Mutation>> mutations = new LinkedHashMap<>();
            String resolved = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "payload" -> readPayload(p, source, schema, mutations);
                    case "resolved" -> resolved = Json.stringOrNull(p, "field \"resolved\"");
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadInputException("could not decode payload: unexpected content after the JSON object");
            }
            // As CockroachDB sends them, a resolved message has no payload; if both come, the timestamp wins.
            if (resolved != null && !resolved.isEmpty()) {
                return WebhookBody.resolved(timestamp("field \"resolved\"", resolved));
            }
            return new WebhookBody(mutations, Optional.empty());
        } catch (JsonProcessingException e) {
            throw new BadInputException("could not decode payload: " + e.getOriginalMessage(), e);
        }
    }

    private static void readPayload(JsonParser p, Json.Input source, SchemaName schema,
                                    Map<TableName, List<Mutation>> out) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new BadInputException("field \"payload\" must be an array");
        }
        int index = 0;
        Element previous = null;
        TableName table = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
            if (t != JsonToken.START_OBJECT) {
                throw new BadInputException("payload[" + index + "] must be a JSON object");
            }
            Element e = readElement(p, source, index, previous);
            // The rows of a batch mostly share a topic: its table is looked up when it changes.
            if (previous == null || !e.topic.equals(previous.topic)) {
                try {
                    table = Topics.table(schema, e.topic);
                } catch (BadInputException ex) {
                    throw new BadInputException("payload[" + index + "] field \"topic\": " + ex.getMessage());
                }
            }
            out.computeIfAbsent(table, k -> new ArrayList<>()).add(new Mutation(e.time, e.key, e.after));
            previous = e;
        }
    }

    private record Element(String key, Optional<String> after, String topic, String updated, Hlc time) {
    }

    /** One element; {@code previous}, the one before it, lends its timestamp when the text is the same. */
    private static Element readElement(JsonParser p, Json.Input source, int index, Element previous)
            throws IOException {
        String where = "payload[" + index + "]";
        String key = null;
        String after = null;
        String topic = null;
        String updated = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "after" -> after = Json.raw(p, source, true, where + " field \"after\"");
                case "key" -> key = Json.raw(p, source, false, where + " field \"key\"");
                case "topic" -> topic = Json.stringOrNull(p, where + " field \"topic\"");
                case "updated" -> updated = Json.stringOrNull(p, where + " field \"updated\"");
                default -> p.skipChildren();
            }
        }
        if (key == null) {
            throw new BadInputException(where + ": missing field \"key\"");
        }
        if (topic == null || topic.isEmpty()) {
            throw new BadInputException(where + ": missing field \"topic\"");
        }
        if (updated == null || updated.isEmpty()) {
            throw new BadInputException(where + ": missing field \"updated\"");
        }
        Optional<String> data = Optional.ofNullable(after);
        Hlc time = previous != null && previous.updated.equals(updated) ? previous.time
                : timestamp(where + " field \"updated\"", updated);
        return new Element(key, data, topic, updated, time);
    }

    static Hlc timestamp(String where, String text) {
        try {
            return Hlc.parse(text);
        } catch (BadInputException e) {
            throw new BadInputException(where + ": " + e.getMessage(), e);
        }
    }
}
