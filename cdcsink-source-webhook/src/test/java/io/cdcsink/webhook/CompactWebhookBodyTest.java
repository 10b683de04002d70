package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactWebhookBody} against the Jackson path it stands in for: wherever it vouches for a body, Jackson reads
 * the body without error and to the same mutations.
 */
class CompactWebhookBodyTest {
    private static final SchemaName SCHEMA = new SchemaName("db", "public");
    private final WebhookBodyParser parser = new WebhookBodyParser();

    private static Optional<WebhookBody> fast(String body) {
        return CompactWebhookBody.parse(SCHEMA, body.getBytes(StandardCharsets.UTF_8));
    }

    private WebhookBody jackson(byte[] body) throws IOException {
        return parser.parseWithJackson(SCHEMA, body);
    }

    @Test
    void takesRowsAsCockroachDbWritesThemAndAgreesWithJackson() throws IOException {
        String body = "{\"payload\":[{\"after\":{\"id\":1,\"name\":\"a, {b}: [c]\",\"amount\":-0.5E+3,\"at\":null,"
                + "\"ok\":true,\"tags\":[\"x\",{}]},\"key\":[1],\"topic\":\"t\",\"updated\":\"10.0000000001\"},"
                + "{\"after\":null,\"key\":[\"k\",2],\"topic\":\"db.public.u\",\"updated\":\"11.0\","
                + "\"mvcc_timestamp\":\"11.0\",\"before\":{\"id\":2}}],\"length\":2}";
        Optional<WebhookBody> fast = fast(body);
        assertThat(fast).isPresent();
        assertThat(fast.get().mutations().get(SCHEMA.table("t"))).containsExactly(Mutation.upsert(new Hlc(10, 1),
                "[1]", "{\"id\":1,\"name\":\"a, {b}: [c]\",\"amount\":-0.5E+3,\"at\":null,\"ok\":true,"
                        + "\"tags\":[\"x\",{}]}"));
        assertThat(fast.get().mutations().get(SCHEMA.table("u")))
                .containsExactly(Mutation.delete(new Hlc(11, 0), "[\"k\",2]"));
        assertThat(fast.get()).isEqualTo(jackson(body.getBytes(StandardCharsets.UTF_8)));
        String unicode = "{\"payload\":[{\"after\":{\"\u00e9t\u00e9\":\"\ud83d\ude00 \u4e2d\"},\"key\":[\"\u00e9\"],"
                + "\"topic\":\"t\",\"updated\":\"1.0\"}],\"length\":1}";
        assertThat(fast(unicode)).isPresent().contains(jackson(unicode.getBytes(StandardCharsets.UTF_8)));
        assertThat(fast("{\"payload\":[],\"length\":0}")).contains(new WebhookBody(java.util.Map.of(),
                Optional.empty()));
    }

    @Test
    void leavesEverythingElseToJackson() {
        for (String body : List.of("", "{}", " {\"payload\":[]}", "{\"payload\":[] }", "{\"resolved\":\"1.0\"}",
                "{\"payload\":null}", "{\"payload\":[],\"payload\":[]}",
                "{\"payload\":[{\"after\":{\"v\":\"a\\nb\"},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":01},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":1},\"after\":{\"v\":2},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":1},\"key\":[1],\"topic\":\"\",\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":1},\"key\":[1],\"topic\":\"t\",\"updated\":\"x\"}]}",
                "{\"payload\":[{\"after\":{\"v\":1},\"key\":null,\"topic\":\"t\",\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":1},\"topic\":\"a.b.c.d\",\"key\":[1],\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":1},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}x",
                "{\"payload\":[{\"after\":{\"v\":1,},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}",
                "{\"payload\":[{\"after\":{\"v\":" + "[".repeat(100) + "]".repeat(100)
                        + "},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}]}")) {
            assertThat(fast(body)).as(body).isEmpty();
        }
    }

    /** Jackson refuses a surrogate encoded in UTF-8, anywhere in the body; so the fast path gives it up. */
    @Test
    void bytesThatAreNotStrictUtf8AreLeftToJackson() {
        byte[] prefix = "{\"payload\":[],\"before\":\"x".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 5];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xed;
        body[prefix.length + 1] = (byte) 0xa0;
        body[prefix.length + 2] = (byte) 0x80;
        body[prefix.length + 3] = '"';
        body[prefix.length + 4] = '}';
        assertThat(CompactWebhookBody.parse(SCHEMA, body)).isEmpty();
        assertThatThrownBy(() -> jackson(body)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("Invalid UTF-8");
    }

    @Test
    void agreesWithJacksonOnRandomBodiesAndTheirCorruptions() throws IOException {
        Random random = new Random(8);
        int vouched = 0;
        int corruptVouched = 0;
        for (int i = 0; i < 3_000; i++) {
            boolean spaced = random.nextInt(5) == 0;
            boolean escapes = random.nextInt(5) == 0;
            String body = randomBody(random, spaced, escapes);
            Optional<WebhookBody> fast = fast(body);
            if (!spaced && !escapes) {
                assertThat(fast).as("compact and without escapes: " + body).isPresent();
            }
            if (fast.isPresent()) {
                vouched++;
                assertThat(fast.get()).as(body).isEqualTo(jackson(body.getBytes(StandardCharsets.UTF_8)));
            }
            for (int c = 0; c < 10; c++) {
                byte[] corrupt = corrupt(random, body.getBytes(StandardCharsets.UTF_8));
                Optional<WebhookBody> fastCorrupt = CompactWebhookBody.parse(SCHEMA, corrupt);
                if (fastCorrupt.isPresent()) {
                    corruptVouched++;
                    String text = new String(corrupt, StandardCharsets.UTF_8);
                    assertThat(fastCorrupt.get()).as(text).isEqualTo(jackson(corrupt));
                }
            }
        }
        assertThat(vouched).as("compact bodies without escapes take the fast path").isGreaterThan(1_500);
        assertThat(corruptVouched).as("some corruptions still make a valid body").isPositive();
    }

    /** One byte replaced by a JSON-significant one, removed, or the body cut short. */
    private static byte[] corrupt(Random random, byte[] body) {
        int at = random.nextInt(body.length);
        byte[] significant = "{}[],:\"\\ 0159-.eE+tfnul\u00e9".getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(3)) {
            case 0 -> {
                byte[] out = body.clone();
                out[at] = significant[random.nextInt(significant.length)];
                return out;
            }
            case 1 -> {
                byte[] out = new byte[body.length - 1];
                System.arraycopy(body, 0, out, 0, at);
                System.arraycopy(body, at + 1, out, at, body.length - at - 1);
                return out;
            }
            default -> {
                byte[] out = new byte[at];
                System.arraycopy(body, 0, out, 0, at);
                return out;
            }
        }
    }

    /** A webhook body: mostly compact and escape-free, sometimes with spaces or escapes; fields in any order. */
    private static String randomBody(Random random, boolean spaced, boolean escapes) {
        String sep = spaced ? " " : "";
        List<String> elements = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            List<String> fields = new ArrayList<>();
            fields.add("\"after\":" + sep + (random.nextInt(4) == 0 ? "null" : randomObject(random, escapes, 0)));
            fields.add("\"key\":" + sep + "[" + random.nextInt(1000) + (random.nextBoolean() ? ",\"k\"" : "") + "]");
            fields.add("\"topic\":\"" + (random.nextBoolean() ? "t" : "db.public.u") + "\"");
            fields.add("\"updated\":\"" + (1 + random.nextInt(100)) + "."
                    + (random.nextBoolean() ? "0" : "000000000" + (1 + random.nextInt(9))) + "\"");
            if (random.nextBoolean()) {
                fields.add("\"before\":" + randomObject(random, escapes, 0));
            }
            if (random.nextBoolean()) {
                fields.add("\"mvcc_timestamp\":\"5.0\"");
            }
            Collections.shuffle(fields, random);
            elements.add("{" + String.join("," + sep, fields) + "}");
        }
        List<String> members = new ArrayList<>(List.of("\"payload\":" + sep + "[" + String.join(",", elements) + "]",
                "\"length\":" + n));
        Collections.shuffle(members, random);
        return "{" + String.join(",", members) + "}";
    }

    private static String randomObject(Random random, boolean escapes, int depth) {
        StringBuilder out = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":").append(randomValue(random, escapes,
                    depth));
        }
        return out.append('}').toString();
    }

    private static String randomValue(Random random, boolean escapes, int depth) {
        return switch (depth > 2 ? 2 + random.nextInt(6) : random.nextInt(8)) {
            case 0 -> randomObject(random, escapes, depth + 1);
            case 1 -> "[" + randomValue(random, escapes, depth + 1) + "," + randomValue(random, escapes, depth + 1)
                    + "]";
            case 2 -> "\"" + (escapes ? "a\\\"b\\u00e9" : "a b\u00e9\ud83d\ude00") + random.nextInt(100) + "\"";
            case 3 -> String.valueOf(random.nextInt(200_000) - 100_000);
            case 4 -> random.nextInt(100) + "." + random.nextInt(1000) + (random.nextBoolean() ? "e-7" : "E+2");
            case 5 -> random.nextBoolean() ? "true" : "false";
            case 6 -> "-0.0";
            default -> "null";
        };
    }
}
