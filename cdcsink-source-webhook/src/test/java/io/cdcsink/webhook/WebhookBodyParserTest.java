package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookBodyParserTest {
    private static final SchemaName SCHEMA = new SchemaName("db", "public");
    private static final TableName T = SCHEMA.table("t");
    private final WebhookBodyParser parser = new WebhookBodyParser();

    private WebhookBody parse(String body) throws IOException {
        return parser.parse(SCHEMA, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void envelopeBecomesMutationsGroupedByTableInOrder() throws IOException {
        WebhookBody body = parse("""
                {"payload":[
                  {"after":{"pk":42,"v":99},"key":[42],"topic":"t","updated":"10.0"},
                  {"after":{"pk":1},"key":[1],"topic":"db.public.u","updated":"11.0"},
                  {"after":{"pk":43,"v":"x"},"key":[43],"topic":"t","updated":"12.0000000001"}
                ],"length":3}""");
        assertThat(body.resolved()).isEmpty();
        assertThat(body.mutations().keySet()).containsExactly(T, SCHEMA.table("u"));
        assertThat(body.mutations().get(T)).containsExactly(
                Mutation.upsert(new Hlc(10, 0), "[42]", "{\"pk\":42,\"v\":99}"),
                Mutation.upsert(new Hlc(12, 1), "[43]", "{\"pk\":43,\"v\":\"x\"}"));
    }

    @Test
    void deletionByNullOrAbsentAfter() throws IOException {
        WebhookBody body = parse("""
                {"payload":[{"after":null,"key":[42],"topic":"t","updated":"30.0"},
                            {"key":[43],"topic":"t","updated":"30.0"}],"length":2}""");
        assertThat(body.mutations().get(T)).containsExactly(
                Mutation.delete(new Hlc(30, 0), "[42]"), Mutation.delete(new Hlc(30, 0), "[43]"));
    }

    @Test
    void beforeMvccTimestampAndUnknownFieldsAreIgnored() throws IOException {
        WebhookBody body = parse("""
                {"payload":[{"before":{"pk":42,"v":1},"after":{"pk":42,"v":2},"key":[42],"topic":"t",
                  "updated":"10.0","mvcc_timestamp":"10.0","future":[1,{"a":2}]}],"length":1,"extra":{}}""");
        assertThat(body.mutations().get(T))
                .containsExactly(Mutation.upsert(new Hlc(10, 0), "[42]", "{\"pk\":42,\"v\":2}"));
    }

    @Test
    void numberTextSurvivesExactly() throws IOException {
        WebhookBody body = parse("""
                {"payload":[{"after":{"a":1.000000000000000000001,"b":4E+2,"c":-0.0,"d":123456789012345678901234567890,
                  "e":[1e-7,"s\\"q"],"f":true,"g":null},"key":[123456789012345678901234567890],
                  "topic":"t","updated":"1.0"}]}""");
        Mutation m = body.mutations().get(T).get(0);
        assertThat(m.key()).isEqualTo("[123456789012345678901234567890]");
        // The row as the body has it, line break included: the applier reads it.
        assertThat(m.data()).contains("{\"a\":1.000000000000000000001,\"b\":4E+2,\"c\":-0.0,"
                + "\"d\":123456789012345678901234567890,\n  \"e\":[1e-7,\"s\\\"q\"],\"f\":true,\"g\":null}");
    }

    @Test
    void resolvedMessage() throws IOException {
        assertThat(parse("{\"resolved\":\"20.0000000003\"}").resolved()).contains(new Hlc(20, 3));
    }

    @Test
    void emptyBodyIsEmpty() throws IOException {
        assertThat(parse("").isEmpty()).isTrue();
        assertThat(parse("  \n").isEmpty()).isTrue();
        assertThat(parse("{\"payload\":[],\"length\":0}").isEmpty()).isTrue();
    }

    @Test
    void missingKeyNamesFieldAndIndex() {
        assertThatThrownBy(() -> parse("""
                {"payload":[{"after":{"pk":1},"key":[1],"topic":"t","updated":"1.0"},
                            {"after":{"pk":2},"topic":"t","updated":"1.0"}]}"""))
                .isInstanceOf(BadInputException.class).hasMessage("payload[1]: missing field \"key\"");
    }

    @Test
    void missingUpdatedNamesFieldAndIndex() {
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":[1],\"topic\":\"t\"}]}"))
                .isInstanceOf(BadInputException.class).hasMessage("payload[0]: missing field \"updated\"");
    }

    @Test
    void missingTopicNamesFieldAndIndex() {
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":[1],\"updated\":\"1.0\"}]}"))
                .isInstanceOf(BadInputException.class).hasMessage("payload[0]: missing field \"topic\"");
    }

    @Test
    void badTimestampCarriesHlcMessage() {
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":[1],\"topic\":\"t\",\"updated\":\"123.123\"}]}"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("payload[0] field \"updated\"")
                .hasMessageContaining("logical part \"123\" must be 10 digits or zero-valued");
        assertThatThrownBy(() -> parse("{\"resolved\":\"0.0\"}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("field \"resolved\"")
                .hasMessageContaining("nanos must be greater than 0");
    }

    @Test
    void wrongShapesAreBadInput() {
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":1,\"topic\":\"t\",\"updated\":\"1.0\"}]}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("payload[0] field \"key\"");
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":[1],\"after\":[2],\"topic\":\"t\",\"updated\":\"1.0\"}]}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("payload[0] field \"after\"");
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":[1],\"topic\":\"a.b.c.d\",\"updated\":\"1.0\"}]}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("payload[0] field \"topic\"");
        assertThatThrownBy(() -> parse("{\"payload\":[{\"key\":[1],"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("could not decode payload");
    }

    @Test
    void ndjsonLinesBecomeMutations() throws IOException {
        String body = """
                {"after":{"pk":42,"v":1.000000000000000000001},"key":[42],"updated":"1.0","topic":"ignored"}

                {"after":null,"key":[42],"updated":"3.0"}
                {"key":[99],"updated":"3.0"}
                """;
        List<Mutation> ms = new NdjsonBodyParser().parse(T,
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(ms).containsExactly(
                new Mutation(new Hlc(1, 0), "[42]", Optional.of("{\"pk\":42,\"v\":1.000000000000000000001}")),
                Mutation.delete(new Hlc(3, 0), "[42]"), Mutation.delete(new Hlc(3, 0), "[99]"));
    }

    @Test
    void ndjsonLongLinesHaveNoLimit() throws IOException {
        String big = "x".repeat(200_000);
        String body = "{\"after\":{\"pk\":1,\"v\":\"" + big + "\"},\"key\":[1],\"updated\":\"1.0\"}";
        List<Mutation> ms = new NdjsonBodyParser().parse(T,
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(ms.get(0).data().orElseThrow()).contains(big);
    }

    @Test
    void ndjsonWithInvalidUtf8IsRefusedNotRepaired() {
        byte[] body = {'{', '"', 'k', 'e', 'y', '"', ':', '[', '"', (byte) 0xc3, 0x28, '"', ']', ',', '"', 'u', 'p',
                'd', 'a', 't', 'e', 'd', '"', ':', '"', '1', '.', '0', '"', '}', '\n'};
        assertThatThrownBy(() -> new NdjsonBodyParser().parse(T, new ByteArrayInputStream(body)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void ndjsonWithoutUpdatedAsksForTheOption() {
        assertThatThrownBy(() -> new NdjsonBodyParser().parse(T, new ByteArrayInputStream(
                "{\"after\":{\"pk\":1},\"key\":[1]}\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("CREATE CHANGEFEED must specify the 'WITH updated' option")
                .hasMessageContaining("line 1");
    }

    @Test
    void ndjsonErrorsNameTheLine() {
        assertThatThrownBy(() -> new NdjsonBodyParser().parse(T, new ByteArrayInputStream(
                "{\"key\":[1],\"updated\":\"1.0\"}\n{\"updated\":\"1.0\"}\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(BadInputException.class).hasMessage("line 2: missing field \"key\"");
        assertThatThrownBy(() -> new NdjsonBodyParser().parse(T, new ByteArrayInputStream(
                "{\"key\":[1],\"updated\":\"1.0\"}\n{not json\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("could not decode line 2");
    }
}
