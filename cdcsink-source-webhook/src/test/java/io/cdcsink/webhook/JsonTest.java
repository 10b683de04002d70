package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcsink.api.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Json#raw} takes values as the body has them, from bytes and from lines, and checks what Jackson does not. */
class JsonTest {
    /** The object or array of a body, read from its UTF-8 bytes. */
    private static String fromBytes(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            p.nextToken();
            return Json.raw(p, Json.bytes(body), p.currentToken() == JsonToken.START_OBJECT, "test");
        }
    }

    /** The same, read from a line of text. */
    private static String fromChars(String json) throws IOException {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            p.nextToken();
            return Json.raw(p, Json.chars(json), p.currentToken() == JsonToken.START_OBJECT, "test");
        }
    }

    @Test
    void valuesAreTheBodysTextBetweenTheirFirstAndLastToken() throws IOException {
        String object = "{ \"a\" : [ 1 , 4E+2 , 1.000000000000000000001, -0.0 ] , \"b\" : { } , \"c\" : [ ] ,"
                + " \"d\" : null , \"e\" : true , \"f\" : false , \"g\" : \"x\\u0001\\\"\\\\\\u00e9 é\" }";
        assertThat(fromBytes("  " + object + "  ")).isEqualTo(object);
        assertThat(fromChars("  " + object + "  ")).isEqualTo(object);
        assertThat(fromBytes("[[],[[]],{}]")).isEqualTo("[[],[[]],{}]");
        assertThat(fromBytes("null")).isNull();
    }

    @Test
    void aLoneSurrogateIsBadInputAndPairsAreKept() throws IOException {
        assertThat(fromBytes("{\"v\":\"\\ud83d\\ude00\"}")).isEqualTo("{\"v\":\"\\ud83d\\ude00\"}");
        assertThatThrownBy(() -> fromBytes("{\"a\":[\"x\",\"y\\ud800\"]}")).isInstanceOf(BadInputException.class)
                .hasMessage("test holds a lone UTF-16 surrogate (\\ud800), which is not a character");
        assertThatThrownBy(() -> fromChars("{\"v\":\"\\ude00\\ud83d\"}")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("lone UTF-16 surrogate (\\ude00)");
        // An escaped backslash before "u" is no escape.
        assertThat(fromBytes("{\"v\":\"\\\\ud800\"}")).isEqualTo("{\"v\":\"\\\\ud800\"}");
    }

    @Test
    void bytesThatAreNotUtf8AreBadInput() {
        byte[] body = {'{', '"', 'v', '"', ':', '"', (byte) 0xc3, '"', '}'};
        assertThatThrownBy(() -> {
            try (JsonParser p = Json.FACTORY.createParser(body)) {
                p.nextToken();
                Json.raw(p, Json.bytes(body), true, "test");
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void aTruncatedOrMistypedValueIsAnError() {
        assertThatThrownBy(() -> fromBytes("{\"a\":[1,2")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> fromBytes("\"top\"")).isInstanceOf(BadInputException.class)
                .hasMessage("test must be a JSON array");
    }

    @Test
    void randomDocumentsHaveTheTokensJacksonReads() throws IOException {
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder doc = new StringBuilder();
            doc.append('[');
            randomValue(random, doc, 0);
            doc.append(']');
            String raw = fromBytes(" " + doc + " ");
            assertThat(raw).as(doc.toString()).isEqualTo(doc.toString());
            assertThat(tokens(raw)).isEqualTo(tokens(doc.toString()));
        }
    }

    /** The tokens and their text, as Jackson reads them. */
    private static String tokens(String json) throws IOException {
        StringBuilder out = new StringBuilder();
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                out.append(t).append(' ').append(p.getText()).append('\n');
            }
        }
        return out.toString();
    }

    private static void randomValue(Random random, StringBuilder out, int depth) {
        switch (depth > 3 ? 2 + random.nextInt(5) : random.nextInt(7)) {
            case 0 -> {
                out.append("{ ");
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.append(i == 0 ? "" : " , ").append(quoted(random)).append(" : ");
                    randomValue(random, out, depth + 1);
                }
                out.append('}');
            }
            case 1 -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.append(i == 0 ? "" : ",");
                    randomValue(random, out, depth + 1);
                }
                out.append(" ]");
            }
            case 2 -> out.append(quoted(random));
            case 3 -> out.append(random.nextBoolean() ? "-" : "").append(random.nextInt(100_000));
            case 4 -> out.append(random.nextInt(100)).append('.').append(random.nextInt(1000))
                    .append(random.nextBoolean() ? "e-7" : "");
            case 5 -> out.append(random.nextBoolean() ? "true" : "false");
            default -> out.append("null");
        }
    }

    /** A JSON string literal with escapes, control characters (escaped) and non-ASCII characters. */
    private static String quoted(Random random) {
        StringBuilder sb = new StringBuilder("\"");
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> sb.append(String.format("\\u%04x", random.nextInt(0x20)));
                case 1 -> sb.append("\\\"");
                case 2 -> sb.append("\\\\");
                case 3 -> sb.append((char) (0xa0 + random.nextInt(0x600)));
                case 4 -> sb.append("\\n\\t\\/");
                default -> sb.append((char) ('a' + random.nextInt(26)));
            }
        }
        return sb.append('"').toString();
    }
}
