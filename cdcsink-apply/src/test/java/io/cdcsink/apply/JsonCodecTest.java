package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
    private final JsonCodec json = new JsonCodec();

    @Test
    void streamedValuesAreWrittenAsTheTreeWritesThem() throws JsonProcessingException {
        String text = "{\"s\":\"a \\\"q\\\" \\u00e9 \\n\",\"i\":-0,\"big\":123456789012345678901234567890,"
                + "\"e\":4E+2,\"d\":1.50,\"small\":1e-3,\"t\":true,\"f\":false,\"z\":null,"
                + "\"arr\":[1,2.50,\"x\",null,[3E1]],\"obj\":{\"k\":1.0E+2,\"n\":{\"m\":[]}}}";
        ObjectNode row = (ObjectNode) json.parse(text);
        String streamed = json.write(16, g -> {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                g.writeFieldName(e.getKey());
                json.writeValue(g, e.getValue());
            }
            g.writeEndObject();
        });
        assertThat(streamed).isEqualTo(json.write(row))
                .contains("\"i\":0", "\"e\":400", "\"d\":1.50", "\"small\":0.001", "[30]", "\"k\":100");
    }

    @Test
    void keysAreWrittenAsTheTreeWritesThem() throws JsonProcessingException {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        String allControls = new ObjectNode(json.mapper().getNodeFactory()).put("s", controls.toString())
                .toString();
        for (String key : new String[] {"[1]", "[-0, 4E+2, 1.50, 1e-3, 123456789012345678901234567890]",
                "[\"a \\\"q\\\" \\u00e9 \\\\ /\", true, false, null]", "[[1, 2.50], {\"k\": 1.0E+2}]",
                "[" + allControls.substring(5, allControls.length() - 1) + "]"}) {
            JsonNode tree = json.parse(key);
            assertThat(json.writeKey(tree)).as(key).isEqualTo(json.write(tree));
        }
    }

    @Test
    void exponentsAreWrittenOutAndEverythingElseKeepsItsSpelling() {
        JsonCodec json = new JsonCodec();
        assertThat(json.plainNumbers("{\"a\":4E+2,\"b\":-0,\"c\":-0.0,\"d\":1.50,\"e\":[1e-3,{\"f\":2E0}],"
                + "\"g\":\"4E+2\",\"h\":true,\"i\":null}"))
                .isEqualTo("{\"a\":400,\"b\":-0,\"c\":-0.0,\"d\":1.50,\"e\":[0.001,{\"f\":2}],\"g\":\"4E+2\","
                        + "\"h\":true,\"i\":null}");
        // Written out, this would be a billion digits: left for the target to read or refuse.
        assertThat(JsonCodec.plain("1e999999999")).isEqualTo("1e999999999");
    }
}
