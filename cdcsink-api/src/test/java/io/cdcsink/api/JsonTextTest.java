package io.cdcsink.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    private static String json(String value) {
        return JsonText.appendString(new StringBuilder("x"), value).toString();
    }

    @Test
    void plainTextIsQuotedAsItIs() {
        assertThat(json("")).isEqualTo("x\"\"");
        assertThat(json("name-42")).isEqualTo("x\"name-42\"");
        assertThat(json("café 日本 😀")).isEqualTo("x\"café 日本 😀\"");
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscapedWhereverTheyAre() {
        assertThat(json("\"a")).isEqualTo("x\"\\\"a\"");
        assertThat(json("a\\b")).isEqualTo("x\"a\\\\b\"");
        assertThat(json("a\n")).isEqualTo("x\"a\\n\"");
        assertThat(json("\t\r\b\f")).isEqualTo("x\"\\t\\r\\b\\f\"");
        assertThat(json("a\u0001é\u001fz")).isEqualTo("x\"a\\u0001é\\u001Fz\"");
    }

    @Test
    void randomStringsReadBackAsThemselves() {
        Random random = new Random(11);
        char[] alphabet = "ab\"\\\n\t\u0000\u001féß日😀 ".toCharArray();
        for (int i = 0; i < 2_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                value.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = JsonText.appendString(new StringBuilder(), value.toString()).toString();
            assertThat(unquote(text)).as(text).isEqualTo(value.toString());
        }
    }

    /** A JSON string's value, for the escapes {@link JsonText} writes. */
    private static String unquote(String text) {
        assertThat(text).startsWith("\"").endsWith("\"");
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            assertThat(c).as("raw control character").isGreaterThanOrEqualTo(' ');
            if (c != '\\') {
                assertThat(c).as("unescaped quote").isNotEqualTo('"');
                out.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new AssertionError("bad escape \\" + e + " in " + text);
            }
        }
        return out.toString();
    }
}
