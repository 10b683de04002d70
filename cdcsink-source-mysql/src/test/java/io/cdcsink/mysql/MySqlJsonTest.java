package io.cdcsink.mysql;

import static io.cdcsink.mysql.MySqlJsonBytes.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.mysql.MySqlJsonBytes.Opaque;
import io.cdcsink.mysql.MySqlJsonBytes.Unsigned;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MySQL binary JSON to text, on values built by hand (no MySQL server here): exact text for each kind of value, and
 * for random documents valid JSON whose parsed tree equals the document (numbers compared as decimals).
 */
class MySqlJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    @Test
    void aDocumentBuiltByteByByteReadsAsMySqlPrintsIt() throws IOException {
        // {"a": [1, 2.5], "b": null} in the small format, laid out by hand from json_binary.h.
        String hex = "00" // small object
                + "0200" + "2600" // 2 members, 38 bytes
                + "1200" + "0100" + "1300" + "0100" // keys at 18 and 19, one byte each
                + "021400" + "040000" // "a": small array at 20; "b": inlined literal null
                + "61" + "62" // the keys
                + "0200" + "1200" + "050100" + "0b0a00" // array: 2 elements, 18 bytes; int16 1 inlined; double at 10
                + "0000000000000440"; // 2.5
        assertThat(MySqlJson.text(HexFormat.of().parseHex(hex))).isEqualTo("{\"a\": [1, 2.5], \"b\": null}");
    }

    @Test
    void everyKindOfScalarHasItsText() throws IOException {
        assertThat(text(null)).isEqualTo("null");
        assertThat(text(true)).isEqualTo("true");
        assertThat(text(false)).isEqualTo("false");
        assertThat(text((short) -32768)).isEqualTo("-32768");
        assertThat(text(new Unsigned(65535, 2))).isEqualTo("65535");
        assertThat(text(Integer.MIN_VALUE)).isEqualTo("-2147483648");
        assertThat(text(new Unsigned(4294967295L, 4))).isEqualTo("4294967295");
        assertThat(text(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(text(new Unsigned(-1, 8))).isEqualTo("18446744073709551615");
        assertThat(text(2.5)).isEqualTo("2.5");
        assertThat(text(1.0)).isEqualTo("1.0");
        assertThat(text(-0.0)).isEqualTo("-0.0");
        assertThat(text(0.1)).isEqualTo("0.1");
        assertThat(text(1e300)).isEqualTo("1e300");
        assertThat(text(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(text(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e308");
        assertThat(text(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(text(123456789012345.0)).isEqualTo("123456789012345.0");
        assertThat(text(1234567890123456.0)).isEqualTo("1.234567890123456e15");
        assertThat(text("h\u00e9 \"q\" \\ \n \u0001 \uD83C\uDF89")).isEqualTo(
                "\"h\u00e9 \\\"q\\\" \\\\ \\n \\u0001 \uD83C\uDF89\"");
        assertThat(MySqlJson.text(new byte[0])).as("MySQL reads an empty value as JSON null").isEqualTo("null");
    }

    @Test
    void opaqueValuesBecomeStringsAsMySqlPrintsThem() throws IOException {
        // DECIMAL(5,2) 123.45: precision, scale, then MySQL's decimal bytes.
        assertThat(text(new Opaque(246, HexFormat.of().parseHex("0502" + "807b2d")))).isEqualTo("123.45");
        assertThat(text(new Opaque(246, HexFormat.of().parseHex("0502" + "7f84d2")))).isEqualTo("-123.45");
        assertThat(text(new Opaque(10, packed(datetime(1582, 10, 10, 0, 0, 0, 0))))).isEqualTo("\"1582-10-10\"");
        assertThat(text(new Opaque(12, packed(datetime(2024, 2, 29, 23, 59, 59, 123456)))))
                .isEqualTo("\"2024-02-29 23:59:59.123456\"");
        assertThat(text(new Opaque(7, packed(datetime(2024, 2, 29, 1, 2, 3, 0)))))
                .isEqualTo("\"2024-02-29 01:02:03.000000\"");
        assertThat(text(new Opaque(11, packed(-time(838, 59, 59, 0))))).isEqualTo("\"-838:59:59.000000\"");
        assertThat(text(new Opaque(11, packed(-time(0, 0, 0, 1))))).isEqualTo("\"-00:00:00.000001\"");
        assertThat(text(new Opaque(11, packed(time(12, 0, 0, 500000))))).isEqualTo("\"12:00:00.500000\"");
        assertThat(text(new Opaque(15, new byte[] {(byte) 0xCA, (byte) 0xFE})))
                .isEqualTo("\"base64:type15:" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xCA,
                        (byte) 0xFE}) + "\"");
    }

    @Test
    void randomDocumentsAreValidJsonEqualToTheDocument() throws IOException {
        Random random = new Random(2024);
        for (int round = 0; round < 3_000; round++) {
            Object document = value(random, 0);
            for (boolean large : new boolean[] {false, true}) {
                String text = MySqlJson.text(MySqlJsonBytes.of(document, large));
                JsonNode parsed = JSON.readTree(text);
                assertThat(parsed).as("document %d as %s", round, text).isEqualTo(JSON.valueToTree(model(document)));
            }
        }
    }

    @Test
    void aTruncatedValueFailsInsteadOfReadingGarbage() {
        byte[] bytes = MySqlJsonBytes.of(List.of("abc", 1), false);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 2);
        assertThatThrownBy(() -> MySqlJson.text(cut)).isInstanceOf(IOException.class);
    }

    private static String text(Object value) throws IOException {
        String small = MySqlJson.text(MySqlJsonBytes.of(value, false));
        // A scalar reads alike in both formats; inside containers too.
        assertThat(MySqlJson.text(MySqlJsonBytes.of(List.of(object("k", value)), true)))
                .isEqualTo("[{\"k\": " + small + "}]");
        return small;
    }

    /** What Jackson should read from the text of {@code value}. */
    private static Object model(Object value) {
        if (value instanceof Unsigned u) {
            return new BigInteger(Long.toUnsignedString(u.value()));
        } else if (value instanceof Short || value instanceof Integer || value instanceof Long) {
            return BigInteger.valueOf(((Number) value).longValue());
        } else if (value instanceof Double d) {
            return new BigDecimal(MySqlJson.shortest(d));
        } else if (value instanceof List<?> list) {
            return list.stream().map(MySqlJsonTest::model).toList();
        } else if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, model(v)));
            return out;
        }
        return value;
    }

    private static Object value(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 8 : 10);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> (short) random.nextInt();
            case 3 -> random.nextInt();
            case 4 -> random.nextLong();
            case 5 -> unsigned(random.nextLong(), new int[] {2, 4, 8}[random.nextInt(3)]);
            case 6 -> {
                double d = Double.longBitsToDouble(random.nextLong());
                yield Double.isFinite(d) ? d : random.nextDouble();
            }
            case 7 -> string(random);
            case 8 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    list.add(value(random, depth + 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    map.put(string(random), value(random, depth + 1));
                }
                yield map;
            }
        };
    }

    private static Unsigned unsigned(long bits, int bytes) {
        return new Unsigned(bytes == 8 ? bits : bits & ((1L << (8 * bytes)) - 1), bytes);
    }

    private static String string(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(10); i > 0; i--) {
            int kind = random.nextInt(5);
            sb.appendCodePoint(switch (kind) {
                case 0 -> random.nextInt(0x20);
                case 1 -> "\"\\/".charAt(random.nextInt(3));
                case 2 -> 0x80 + random.nextInt(0x700);
                case 3 -> 0x1F300 + random.nextInt(0x100);
                default -> 0x20 + random.nextInt(0x5F);
            });
        }
        return new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** MySQL's packed datetime (8 bytes little-endian). */
    private static long datetime(int year, int month, int day, int hour, int minute, int second, int micros) {
        long ymd = ((year * 13L + month) << 5) | day;
        long hms = ((long) hour << 12) | (minute << 6) | second;
        return (((ymd << 17) | hms) << 24) + micros;
    }

    private static long time(int hour, int minute, int second, int micros) {
        return ((((long) hour << 12) | (minute << 6) | second) << 24) + micros;
    }

    private static byte[] packed(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        return bytes;
    }
}
