package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RowTest {
    private final JsonCodec json = new JsonCodec();

    @Test
    void scanningReadsNamesAndNullsAndKeepsTheText() throws JsonProcessingException {
        String text = "{\"a\":1,\"b\":null,\"c\":{\"x\":[1,{\"y\":null}]},\"d\":[null],\"e\":\"s\\\"\"}";
        Row row = Row.scan(json, text).orElseThrow();
        assertThat(row.names()).containsExactly("a", "b", "c", "d", "e");
        assertThat(row.isNull("b")).isTrue();
        assertThat(row.isNull("a")).isFalse();
        assertThat(row.isNull("d")).isFalse();
        assertThat(row.isNull("absent")).isFalse();
        assertThat(row.has("c")).isTrue();
        assertThat(row.has("x")).as("nested names are not the row's").isFalse();
        assertThat(row.text()).contains(text);
        // The tree is built on demand and holds the same values.
        assertThat(row.get("c").path("x").get(1).path("y").isNull()).isTrue();
        assertThat(row.get("e").asText()).isEqualTo("s\"");
        assertThat(row.get("absent")).isNull();
    }

    @Test
    void wideRowsAreLookedUpByName() throws JsonProcessingException {
        String text = IntStream.range(0, 40).mapToObj(i -> "\"c" + i + "\":" + (i % 3 == 0 ? "null" : i))
                .collect(Collectors.joining(",", "{", "}"));
        Row row = Row.scan(json, text).orElseThrow();
        assertThat(row.has("c39")).isTrue();
        assertThat(row.has("c40")).isFalse();
        assertThat(row.isNull("c39")).isTrue();
        assertThat(row.isNull("c38")).isFalse();
    }

    @Test
    void scanningIsAsStrictAsParsing() {
        assertThatThrownBy(() -> Row.scan(json, "{\"a\":1,\"a\":2}")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> Row.scan(json, "{\"a\":1} {}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Row.scan(json, "{\"a\":1} x")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Row.scan(json, "{\"a\":[1,}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Row.scan(json, "[1,")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void otherJsonIsNotARow() throws JsonProcessingException {
        assertThat(Row.scan(json, "[1,2]")).isEmpty();
        assertThat(Row.scan(json, "\"text\"")).isEmpty();
    }

    @Test
    void aBuiltRowHasNoTextAndReadsItsTree() throws JsonProcessingException {
        Row row = Row.of((com.fasterxml.jackson.databind.node.ObjectNode) json.parse("{\"k\":1,\"n\":null}"));
        assertThat(row.text()).isEmpty();
        assertThat(row.names()).containsExactly("k", "n");
        assertThat(row.isNull("n")).isTrue();
        assertThat(row.get("k").asInt()).isEqualTo(1);
    }
}
