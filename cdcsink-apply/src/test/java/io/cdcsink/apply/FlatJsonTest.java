package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatJson} against Jackson, the oracle: whatever the fast path vouches for, Jackson must read without error
 * (rows by the streaming scan they replace, keys by a full parse) and to the same names, nulls and key values;
 * whatever is malformed the fast path must leave to Jackson.
 */
class FlatJsonTest {
    private static final String[] NONE = new String[0];
    private final JsonCodec json = new JsonCodec();

    @Test
    void commonRowsAndKeysTakeTheFastPath() {
        for (String row : List.of("{}", " { } ", "{\"a\":1}",
                "{\"id\":\"42\",\"name\":\"name-42\",\"amount\":\"52.50\"}",
                "{\"a\":-0.5e+10,\"b\":true,\"c\":false,\"d\":null,\"e\":\"x\\\"y\\\\z\\u00e9\\n\",\"f\":0,\"g\":-12}",
                "{\n\t\"a\" : 1 ,\r\n \"b\":\"ünïcødé ✓\" }",
                "{\"a\":1E5,\"b\":1.0,\"c\":123456789012345678901234567890}")) {
            assertThat(FlatJson.row(row, NONE)).as(row).isNotNull();
            agreesWithJackson(row);
        }
        for (String key : List.of("[1]", "[\"a\",2,\"b\"]", "[ -7 , \"ünï\" ] ", "[]", "[0]", "[-0]",
                "[123456789012345678901234567890]")) {
            assertThat(FlatJson.key(key)).as(key).isNotNull();
            agreesWithJackson(key);
        }
    }

    @Test
    void rowsWithThePreviousRowsNamesShareItsArray() {
        FlatJson.Names first = FlatJson.row("{\"id\":1,\"v\":\"a\"}", NONE);
        assertThat(FlatJson.row("{\"id\":2,\"v\":null}", first.names()).names()).isSameAs(first.names());
        assertThat(FlatJson.row("{\"id\":3}", first.names()).names()).isNotSameAs(first.names())
                .containsExactly("id");
        assertThat(FlatJson.row("{\"v\":3,\"id\":4}", first.names()).names()).isNotSameAs(first.names())
                .containsExactly("v", "id");
        assertThat(FlatJson.row("{\"id\":5,\"v\":6,\"w\":7}", first.names()).names())
                .containsExactly("id", "v", "w");
    }

    @Test
    void malformedAndUnusualTextIsLeftToJackson() {
        for (String text : List.of("", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,\"a\":1}",
                "{\"a\":1 \"b\":2}", "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
                "{\"a\":+1}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":truex}", "{\"a\":nul}", "{\"a\":NaN}",
                "{\"a\":'x'}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"\\u\u0663\u0663\u0663\u0663\"}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "{a:1}", "{\"a\":1,\"a\":2}", "{\"a\\u0062\":1}",
                "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "\uFEFF{\"a\":1}", "{\"a\":1}\u000b", "{\"a\":\"unterminated}",
                "[1", "[1,]", "[01]", "[1.5]", "[1e3]", "[\"a\\\"b\"]", "[true]", "[null]", "[[1]]", "[{\"a\":1}]",
                "[1]]", "[1 2]", "\"x\"", "1", "{\"a\":1" + "0".repeat(1200) + "}")) {
            if (text.startsWith("{")) {
                assertThat(FlatJson.row(text, NONE)).as(text).isNull();
            } else {
                assertThat(FlatJson.key(text)).as(text).isNull();
            }
            agreesWithJackson(text);
        }
    }

    @Test
    void onlyCompactKeysKeepTheirText() {
        assertThat(FlatJson.key("[1,\"a\"]").canonical()).isTrue();
        assertThat(FlatJson.key("[]").canonical()).isTrue();
        assertThat(FlatJson.key("[1, \"a\"]").canonical()).isFalse();
        assertThat(FlatJson.key("[1]\n").canonical()).isFalse();
        assertThat(FlatJson.key("[-0]").canonical()).isFalse();
        assertThat(FlatJson.key("[-01]")).isNull();
    }

    @Test
    void wideRowsAreCheckedForDuplicatesToo() {
        String wide = IntStream.range(0, 40).mapToObj(i -> "\"c" + i + "\":" + i).collect(Collectors.joining(","));
        assertThat(FlatJson.row("{" + wide + "}", NONE).names()).hasSize(40);
        for (String duplicate : List.of("c0", "c15", "c16", "c39")) {
            String text = "{" + wide + ",\"" + duplicate + "\":1}";
            assertThat(FlatJson.row(text, NONE)).as(duplicate).isNull();
            agreesWithJackson(text);
        }
    }

    @Test
    void namesOfAnEarlierRowAreReused() {
        FlatJson.Names first = FlatJson.row("{\"id\":1,\"name\":\"a\"}", NONE);
        FlatJson.Names second = FlatJson.row("{\"id\":2,\"name\":\"b\",\"extra\":3}", first.names());
        assertThat(second.names()).containsExactly("id", "name", "extra");
        assertThat(second.names()[0]).isSameAs(first.names()[0]);
        assertThat(second.names()[1]).isSameAs(first.names()[1]);
        FlatJson.Names other = FlatJson.row("{\"ix\":2}", first.names());
        assertThat(other.names()).containsExactly("ix");
    }

    /** Random JSON-like text, about half of it corrupted: every answer of the fast path must match Jackson's. */
    @Test
    void valuesAreTheTextsPopulateHandsTheInputFunctions() {
        String[] names = {"id", "s", "n"};
        Map<String, Integer> positions = Map.of("id", 0, "s", 1, "n", 2);
        String[] values = new String[3];
        boolean[] nulls = new boolean[3];
        // Out of column order: every name is looked up.
        String outOfOrder = "{\"n\":-12.50,\"s\":\"a\\tb\\\"c\\u00e9\\/\",\"id\":7}";
        assertThat(FlatJson.values(outOfOrder, names, positions, values, nulls)).isTrue();
        assertThat(values).containsExactly("7", "a\tb\"c\u00e9/", "-12.50");
        assertThat(FlatJson.values("{\"id\":1,\"s\":null,\"n\":true}", names, positions, values, nulls)).isTrue();
        assertThat(values).containsExactly("1", null, "true");
        assertThat(nulls).containsExactly(false, true, false);
        // A negative zero is read as written, as the recordset reads it: a float keeps its sign.
        assertThat(FlatJson.values("{\"id\":-0.0}", names, positions, values, nulls)).isTrue();
        assertThat(values[0]).isEqualTo("-0.0");
        for (String refused : List.of("{\"id\":1e3}", "{\"s\":\"\\u0000\"}",
                "{\"s\":\"\\ud83d\\ude00\"}", "{\"id\":1,\"id\":2}", "{\"other\":1}", "{\"id\":[1]}",
                "{\"i\\u0064\":1}", "{\"id\":1")) {
            assertThat(FlatJson.values(refused, names, positions, values, nulls)).as(refused).isFalse();
        }
    }

    @Test
    void randomTextAgreesWithJackson() {
        Random random = new Random(20261126L);
        int fast = 0;
        for (int i = 0; i < 20_000; i++) {
            String text = random.nextBoolean() ? row(random) : key(random);
            if (random.nextBoolean()) {
                text = corrupt(random, text);
            }
            if (agreesWithJackson(text)) {
                fast++;
            }
        }
        // Uncorrupted text is mostly within the fast path's shapes, so a large share must have taken it.
        assertThat(fast).as("texts the fast path vouched for").isGreaterThan(5_000);
    }

    /** @return whether the fast path vouched for the text */
    private boolean agreesWithJackson(String text) {
        FlatJson.Names names = FlatJson.row(text, NONE);
        FlatJson.Key key = FlatJson.key(text);
        if (names == null && key == null) {
            return false;
        }
        try {
            if (names != null) {
                // Rows are scanned, not parsed, by the path the fast one replaces: that is the reference.
                Row reference = Row.streamingScan(json, text).orElseThrow();
                assertThat(names.names()).as(text).containsExactlyElementsOf(reference.names());
                for (int i = 0; i < names.names().length; i++) {
                    assertThat(names.nulls().get(i)).as(text + " null " + i)
                            .isEqualTo(reference.isNull(names.names()[i]));
                }
                valuesAgree(text, names.names());
                treeAgrees(text);
            }
            if (key != null) {
                JsonNode parsed = json.parse(text);
                keyAgrees(text, key.values(), parsed);
                if (key.canonical()) {
                    assertThat(json.writeKey(parsed)).as("canonical key text").isEqualTo(text);
                }
            }
        } catch (JsonProcessingException e) {
            throw new AssertionError("the fast path vouched for text Jackson refuses: " + text, e);
        }
        return true;
    }

    /** {@link FlatJson#values} against Jackson's tokens, for a row the fast path vouched for. */
    private void valuesAgree(String text, String[] names) throws JsonProcessingException {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            positions.put(names[i], i);
        }
        String[] values = new String[names.length];
        boolean[] nulls = new boolean[names.length];
        boolean read = FlatJson.values(text, names, positions, values, nulls);
        try (JsonParser p = json.mapper().createParser(text)) {
            p.nextToken();
            boolean plain = true;
            for (int i = 0; p.nextToken() == JsonToken.FIELD_NAME; i++) {
                JsonToken t = p.nextToken();
                String expected = t == JsonToken.VALUE_NULL ? null : p.getText();
                if (t.isNumeric()) {
                    plain &= !expected.contains("e") && !expected.contains("E");
                } else if (t == JsonToken.VALUE_STRING) {
                    // The random texts carry NUL and surrogates only as escapes, which values() refuses.
                    plain &= expected.chars().noneMatch(c -> c == 0 || Character.isSurrogate((char) c));
                }
                if (read) {
                    assertThat(nulls[i]).as(text + " null " + i).isEqualTo(t == JsonToken.VALUE_NULL);
                    assertThat(values[i]).as(text + " value " + i).isEqualTo(expected);
                }
            }
            assertThat(read).as("values of " + text).isEqualTo(plain);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link FlatJson#tree} against Jackson's tree, node class and text, for a row the fast path vouched for. */
    private void treeAgrees(String text) throws JsonProcessingException {
        ObjectNode tree = FlatJson.tree(text);
        if (tree == null) {
            // Given up: only for numbers with an exponent and escaped NUL or surrogates, left to Jackson.
            return;
        }
        JsonNode parsed = json.parse(text);
        assertThat(tree).as(text).isEqualTo(parsed);
        assertThat(tree.size()).as(text).isEqualTo(parsed.size());
        for (var it = parsed.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode expected = parsed.get(name);
            assertThat(tree.get(name).getClass()).as(text + " " + name).isEqualTo(expected.getClass());
            assertThat(tree.get(name).asText()).as(text + " " + name).isEqualTo(expected.asText());
            if (expected.isBigDecimal()) {
                assertThat(tree.get(name).decimalValue().toString()).as(text + " " + name)
                        .isEqualTo(expected.decimalValue().toString());
            }
        }
    }

    @Test
    void treesAreJacksonsTrees() throws JsonProcessingException {
        for (String text : List.of("{\"id\":7,\"s\":\"a\\tb\\u00e9\",\"n\":-12.50,\"z\":-0.0,\"b\":true,\"f\":false,"
                + "\"x\":null,\"big\":123456789012345678901234567890,\"neg\":-0}", "{}", " { \"a\" : 1 } ")) {
            ObjectNode tree = FlatJson.tree(text);
            assertThat(tree).as(text).isNotNull();
            treeAgrees(text);
        }
        for (String refused : List.of("{\"id\":1e3}", "{\"s\":\"\\u0000\"}", "{\"s\":\"\\ud83d\\ude00\"}",
                "{\"id\":1,\"id\":2}", "{\"id\":[1]}", "{\"id\":1", "[1]")) {
            assertThat(FlatJson.tree(refused)).as(refused).isNull();
        }
    }

    private static void keyAgrees(String text, ArrayNode key, JsonNode parsed) {
        assertThat(key).as(text).isEqualTo(parsed);
        for (int i = 0; i < key.size(); i++) {
            assertThat(key.get(i).getClass()).as(text + " element " + i).isEqualTo(parsed.get(i).getClass());
        }
    }

    private static String row(Random random) {
        return IntStream.range(0, random.nextInt(6)).mapToObj(i -> "\"" + name(random, i) + "\":" + scalar(random))
                .collect(Collectors.joining(pick(random, ",", ", ", " ,\n"), pick(random, "{", " {", "{\t"),
                        pick(random, "}", " }", "}\r\n")));
    }

    private static String key(Random random) {
        return IntStream.range(0, 1 + random.nextInt(3)).mapToObj(i -> random.nextBoolean()
                        ? "\"" + name(random, i) + "\"" : Long.toString(random.nextLong() >> random.nextInt(64)))
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static String name(Random random, int i) {
        return pick(random, "id", "name", "a b", "ü", "x" + i, "c" + i, "");
    }

    private static String scalar(Random random) {
        return pick(random, "null", "true", "false", "0", "-1", "12.50", "1e3", "-0.0E-2", "\"text\"", "\"q\\\"\"",
                "\"\\u00e9\\t\"", "\"ünï ✓\"", "98765432109876543210", "{\"n\":1}", "[1,2]", "-0", "-0.00", "-0.5",
                "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"a\\/b\\\\c\\b\\f\\n\\r\"");
    }

    private static String corrupt(Random random, String text) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(2);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(3)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, pick(random, "\"", ",", ":", "{", "}", "[", "]", "0", "-", ".", "e", "\\",
                        " ", "\t", "\u0001", "x", "n"));
                default -> out.setCharAt(at, pick(random, "\"", ",", "0", "1", ".", "\\", "}", " ").charAt(0));
            }
        }
        return out.toString();
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }
}
