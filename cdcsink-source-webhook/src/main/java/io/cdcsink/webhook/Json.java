package io.cdcsink.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;

/** Streaming JSON helpers shared by the body parsers. */
final class Json {
    /**
     * Bodies are already bounded by the server's size limit, so Jackson's own per-token limits (20 MB strings,
     * 1000-digit numbers) would only reject rows the target can hold.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private Json() {
    }

    /**
     * Copies the value at the parser's current token as JSON text. Numbers are copied as written, never through a
     * double, so {@code 1.000000000000000000001} and {@code 4E+2} reach the target unchanged.
     */
    static String copyValue(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            int depth = 0;
            do {
                JsonToken t = p.currentToken();
                if (t == null) {
                    throw new IOException("unexpected end of JSON input");
                }
                switch (t) {
                    case START_OBJECT -> {
                        g.writeStartObject();
                        depth++;
                    }
                    case START_ARRAY -> {
                        g.writeStartArray();
                        depth++;
                    }
                    case END_OBJECT -> {
                        g.writeEndObject();
                        depth--;
                    }
                    case END_ARRAY -> {
                        g.writeEndArray();
                        depth--;
                    }
                    case FIELD_NAME -> g.writeFieldName(p.currentName());
                    case VALUE_STRING -> g.writeString(p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                    case VALUE_TRUE -> g.writeBoolean(true);
                    case VALUE_FALSE -> g.writeBoolean(false);
                    case VALUE_NULL -> g.writeNull();
                    default -> throw new IOException("unexpected JSON token " + t);
                }
                if (depth > 0) {
                    p.nextToken();
                }
            } while (depth > 0);
        }
        return out.toString();
    }

    /** The JSON object at the current token as text, or null for JSON null (a deletion). */
    static String object(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new io.cdcsink.api.BadInputException(what + " must be a JSON object or null");
        }
        return copyValue(p);
    }

    /** The JSON array at the current token as text, or null for JSON null. */
    static String array(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new io.cdcsink.api.BadInputException(what + " must be a JSON array");
        }
        return copyValue(p);
    }

    /** The string value at the current token, or null when the token is JSON null. */
    static String stringOrNull(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new io.cdcsink.api.BadInputException(what + " must be a string");
        }
        return p.getText();
    }
}
