package io.cdcsink.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One message of a CockroachDB changefeed written to Kafka as JSON with the default {@code envelope=wrapped}: a row,
 * keyed by its primary key as a JSON array, {@code {"after": {…} | null, "updated": "<hlc>"}}, or a resolved
 * timestamp {@code {"resolved": "<hlc>"}} (no key). Unknown fields ({@code before}, {@code mvcc_timestamp}, …) are
 * ignored.
 */
sealed interface ChangefeedMessage {
    String NEED_UPDATED = "CREATE CHANGEFEED must specify the 'WITH updated' option";
    JsonFactory FACTORY = new JsonFactory();

    /** A row change. */
    record Row(Mutation mutation) implements ChangefeedMessage {
    }

    /** Everything in this partition at or before {@code time} has been written before this message. */
    record Resolved(Hlc time) implements ChangefeedMessage {
    }

    /**
     * @param key   the message key (UTF-8 JSON array), or null
     * @param value the message value (UTF-8 JSON object)
     * @param where names the message in errors (topic, partition, offset)
     * @throws BadInputException saying what is wrong with the message
     */
    static ChangefeedMessage parse(byte[] key, byte[] value, String where) {
        if (value == null) {
            throw new BadInputException(where + ": empty message value (a tombstone); a changefeed with"
                    + " format=json and envelope=wrapped never writes one");
        }
        String text = utf8(value, where + " value");
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(where + ": the value must be a JSON object");
            }
            String after = null;
            boolean hasAfter = false;
            String updated = null;
            String resolved = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "after" -> {
                        hasAfter = true;
                        after = raw(p, text, t, where);
                    }
                    case "updated" -> updated = string(p, t, where, "updated");
                    case "resolved" -> resolved = string(p, t, where, "resolved");
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadInputException(where + ": unexpected content after the JSON object");
            }
            if (resolved != null) {
                return new Resolved(Hlc.parse(resolved));
            }
            if (!hasAfter) {
                throw new BadInputException(where + ": neither \"after\" nor \"resolved\": the changefeed must use"
                        + " format=json with envelope=wrapped");
            }
            if (updated == null || updated.isEmpty()) {
                throw new BadInputException(NEED_UPDATED + " (" + where + " has no field \"updated\")");
            }
            if (key == null) {
                throw new BadInputException(where + ": a row without a message key");
            }
            String keyText = keyArray(utf8(key, where + " key"), where);
            Hlc time = Hlc.parse(updated);
            return new Row(new Mutation(time, keyText, Optional.ofNullable(after)));
        } catch (JsonProcessingException e) {
            throw new BadInputException(where + ": could not decode the JSON value: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException(where + ": could not read the value: " + e.getMessage(), e);
        }
    }

    /** The raw text of the value the parser is on: an object, or null for JSON null. */
    private static String raw(JsonParser p, String text, JsonToken t, String where) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new BadInputException(where + ": field \"after\" must be a JSON object or null");
        }
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getCharOffset();
        return text.substring(start, end);
    }

    private static String string(JsonParser p, JsonToken t, String where, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadInputException(where + ": field \"" + field + "\" must be a string");
        }
        return p.getText();
    }

    /** The key as given, checked to be one JSON array with at least one value. */
    private static String keyArray(String key, String where) throws IOException {
        try (JsonParser p = FACTORY.createParser(key)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BadInputException(where + ": the message key must be a JSON array of the primary key");
            }
            if (p.nextToken() == JsonToken.END_ARRAY) {
                throw new BadInputException(where + ": the message key is an empty JSON array");
            }
            p.skipChildren();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw new BadInputException(where + ": the message key's JSON array is not closed");
                }
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                throw new BadInputException(where + ": unexpected content after the key's JSON array");
            }
        } catch (JsonProcessingException e) {
            throw new BadInputException(where + ": could not decode the message key: " + e.getOriginalMessage(), e);
        }
        return key.strip();
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(what + " is not valid UTF-8", e);
        }
    }
}
