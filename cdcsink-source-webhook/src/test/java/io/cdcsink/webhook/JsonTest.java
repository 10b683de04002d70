package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcsink.api.BadInputException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Json#copyValue} writes what a Jackson generator writes for the same tokens. */
class JsonTest {
    private static String copy(String json) throws IOException {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            p.nextToken();
            return Json.copyValue(p, "test");
        }
    }

    @Test
    void copiesCompactlyAndKeepsNumbersAsWritten() throws IOException {
        assertThat(copy(" { \"a\" : [ 1 , 4E+2 , 1.000000000000000000001, -0.0 ] , \"b\" : { } , \"c\" : [ ] ,"
                + " \"d\" : null , \"e\" : true , \"f\" : false , \"g\" : \"x\\u0001\\\"\\\\\\u00e9\" } "))
                .isEqualTo("{\"a\":[1,4E+2,1.000000000000000000001,-0.0],\"b\":{},\"c\":[],\"d\":null,\"e\":true,"
                        + "\"f\":false,\"g\":\"x\\u0001\\\"\\\\\u00e9\"}");
        assertThat(copy("[[],[[]],{}]")).isEqualTo("[[],[[]],{}]");
        assertThat(copy("\"top\"")).isEqualTo("\"top\"");
        assertThat(copy("12")).isEqualTo("12");
    }

    @Test
    void aLoneSurrogateIsBadInputNamingWhereItIsAndPairsAreKept() throws IOException {
        assertThat(copy("{\"v\":\"\\ud83d\\ude00\"}")).isEqualTo("{\"v\":\"\ud83d\ude00\"}");
        assertThatThrownBy(() -> copy("{\"a\":[\"x\",\"y\\ud800\"]}")).isInstanceOf(BadInputException.class)
                .hasMessage("test: /a/1 holds a lone UTF-16 surrogate (\\ud800), which is not a character");
        assertThatThrownBy(() -> copy("{\"v\":\"\\ude00\\ud83d\"}")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("/v holds a lone UTF-16 surrogate (\\ude00)");
        // Jackson refuses one in a name itself (a parse error, which the body parsers answer with 400 too).
        assertThatThrownBy(() -> copy("{\"\\udfff\":1}")).isInstanceOf(IOException.class)
                .hasMessageContaining("surrogate");
    }

    @Test
    void aTruncatedValueIsAnError() {
        assertThatThrownBy(() -> copy("{\"a\":[1,2")).isInstanceOf(IOException.class);
    }

    @Test
    void matchesAJsonGeneratorOnRandomDocuments() throws IOException {
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder doc = new StringBuilder();
            randomValue(random, doc, 0);
            assertThat(copy(doc.toString())).as(doc.toString()).isEqualTo(generatorCopy(doc.toString()));
        }
    }

    /** The copy as a Jackson generator writes it, numbers as their text (how {@code copyValue} worked before). */
    private static String generatorCopy(String json) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonParser p = Json.FACTORY.createParser(json); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> g.writeStartObject();
                    case START_ARRAY -> g.writeStartArray();
                    case END_OBJECT -> g.writeEndObject();
                    case END_ARRAY -> g.writeEndArray();
                    case FIELD_NAME -> g.writeFieldName(p.currentName());
                    case VALUE_STRING -> g.writeString(p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                    case VALUE_TRUE -> g.writeBoolean(true);
                    case VALUE_FALSE -> g.writeBoolean(false);
                    default -> g.writeNull();
                }
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
