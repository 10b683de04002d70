package io.cdcsink.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.JsonText;
import java.io.IOException;

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
     * Copies the value at the parser's current token as compact JSON text. Numbers are copied as written, never
     * through a double, so {@code 1.000000000000000000001} and {@code 4E+2} reach the target unchanged; strings and
     * names are escaped as {@link JsonText} does (quotes, backslashes, control characters). Written straight into a
     * StringBuilder: a JSON generator per value was the largest cost of parsing a webhook body.
     *
     * @throws BadInputException naming {@code what} and the JSON pointer of a string or name that escapes a lone
     *         UTF-16 surrogate ({@code "\\ud800"}): no database text holds one, and the UTF-8 encoder on the way to
     *         the target would quietly turn it into {@code ?}
     */
    static String copyValue(JsonParser p, String what) throws IOException {
        StringBuilder out = new StringBuilder(128);
        int depth = 0;
        boolean comma = false; // whether the next value or name needs a comma before it
        do {
            JsonToken t = p.currentToken();
            if (t == null) {
                throw new IOException("unexpected end of JSON input");
            }
            if (comma && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                out.append(',');
            }
            comma = true;
            switch (t) {
                case START_OBJECT -> {
                    out.append('{');
                    depth++;
                    comma = false;
                }
                case START_ARRAY -> {
                    out.append('[');
                    depth++;
                    comma = false;
                }
                case END_OBJECT -> {
                    out.append('}');
                    depth--;
                }
                case END_ARRAY -> {
                    out.append(']');
                    depth--;
                }
                case FIELD_NAME -> {
                    JsonText.appendString(out, text(p, p.currentName(), what)).append(':');
                    comma = false;
                }
                case VALUE_STRING -> JsonText.appendString(out, text(p, p.getText(), what));
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.append(p.getText());
                case VALUE_TRUE -> out.append("true");
                case VALUE_FALSE -> out.append("false");
                case VALUE_NULL -> out.append("null");
                default -> throw new IOException("unexpected JSON token " + t);
            }
            if (depth > 0) {
                p.nextToken();
            }
        } while (depth > 0);
        return out.toString();
    }

    /** A string or name of the current token, checked for lone surrogates. */
    private static String text(JsonParser p, String value, String what) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            throw new BadInputException(what + ": " + p.getParsingContext().pathAsPointer() + " holds a lone UTF-16"
                    + " surrogate (\\u" + Integer.toHexString(c) + "), which is not a character");
        }
        return value;
    }

    /** The JSON object at the current token as text, or null for JSON null (a deletion). */
    static String object(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new BadInputException(what + " must be a JSON object or null");
        }
        return copyValue(p, what);
    }

    /** The JSON array at the current token as text, or null for JSON null. */
    static String array(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new BadInputException(what + " must be a JSON array");
        }
        return copyValue(p, what);
    }

    /** The string value at the current token, or null when the token is JSON null. */
    static String stringOrNull(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadInputException(what + " must be a string");
        }
        return p.getText();
    }
}
