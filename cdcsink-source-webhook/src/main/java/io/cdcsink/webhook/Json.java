package io.cdcsink.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.cdcsink.api.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON reader of request bodies: Jackson's streaming parser, tuned for them. Rows and keys are taken from the
 * body as the changefeed wrote them (the text between their first and last token), after Jackson has checked their
 * grammar, so their values are neither decoded nor written again here: the apply layer reads them once, when it
 * needs them.
 */
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

    /** The body a parser reads, to take values' text from: the bytes of a request, or the characters of a line. */
    interface Input {
        /** The text from the start of the token at {@code start} to the parser's position, checked. */
        String slice(JsonLocation start, JsonLocation end, String what);
    }

    /** A request body of UTF-8 bytes; a value's bytes must be strict UTF-8 (a changed byte would be a changed row). */
    static Input bytes(byte[] body) {
        return (start, end, what) -> {
            int from = (int) start.getByteOffset();
            int to = (int) end.getByteOffset();
            String text;
            if (ascii(body, from, to)) {
                text = new String(body, from, to - from, StandardCharsets.ISO_8859_1);
            } else {
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(body, from, to - from)).toString();
                } catch (CharacterCodingException e) {
                    throw new BadInputException(what + " is not valid UTF-8", e);
                }
            }
            return checked(text, what);
        };
    }

    /** A line already decoded from strict UTF-8. */
    static Input chars(String line) {
        return (start, end, what) -> checked(line.substring((int) start.getCharOffset(), (int) end.getCharOffset()),
                what);
    }

    private static boolean ascii(byte[] body, int from, int to) {
        for (int i = from; i < to; i++) {
            if (body[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The object or array at the current token, as the body has it; null for JSON null.
     *
     * @param object whether an object is wanted (else an array)
     * @throws BadInputException naming {@code what} when the value is of another kind, malformed, or escapes a lone
     *         UTF-16 surrogate ({@code "\\ud800"}): no database text holds one, and the UTF-8 encoder on the way to
     *         the target would quietly turn it into {@code ?}
     */
    static String raw(JsonParser p, Input input, boolean object, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != (object ? JsonToken.START_OBJECT : JsonToken.START_ARRAY)) {
            throw new BadInputException(what + (object ? " must be a JSON object or null" : " must be a JSON array"));
        }
        JsonLocation start = p.currentTokenLocation();
        p.skipChildren();
        return input.slice(start, p.currentLocation(), what);
    }

    /** The text, unless an escape in it stands for half a surrogate pair. */
    private static String checked(String text, String what) {
        for (int i = text.indexOf("\\u"); i >= 0; i = text.indexOf("\\u", i + 2)) {
            if (escapes(text, i) && i + 6 <= text.length()) {
                char c = (char) Integer.parseInt(text, i + 2, i + 6, 16);
                boolean paired = Character.isHighSurrogate(c) && text.startsWith("\\u", i + 6) && i + 12 <= text.length()
                        && Character.isLowSurrogate((char) Integer.parseInt(text, i + 8, i + 12, 16));
                if (Character.isSurrogate(c) && !paired) {
                    throw new BadInputException(what + " holds a lone UTF-16 surrogate (\\u"
                            + Integer.toHexString(c) + "), which is not a character");
                }
                i += paired ? 6 : 0;
            }
        }
        return text;
    }

    /** Whether the backslash at {@code at} starts an escape, i.e. is not itself escaped. */
    private static boolean escapes(String text, int at) {
        int backslashes = 0;
        for (int i = at - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 0;
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
