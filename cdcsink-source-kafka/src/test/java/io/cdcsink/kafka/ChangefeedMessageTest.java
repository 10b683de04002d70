package io.cdcsink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Options;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangefeedMessageTest {
    private static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static ChangefeedMessage parse(String key, String value) {
        return ChangefeedMessage.parse(b(key), b(value), "m");
    }

    @Test
    void aRowKeepsTheRawAfterObjectAndTheKeyArray() {
        ChangefeedMessage m = parse("[1, \"a\"]", "{\"after\": {\"id\": 1, \"n\": 1.50, \"big\": 12345678901234567890,"
                + " \"o\": {\"x\": [1]}}, \"updated\": \"1700000000000000000.0000000001\", \"mvcc_timestamp\": \"1.0\"}");
        assertThat(m).isEqualTo(new ChangefeedMessage.Row(Mutation.upsert(new Hlc(1_700_000_000_000_000_000L, 1),
                "[1, \"a\"]", "{\"id\": 1, \"n\": 1.50, \"big\": 12345678901234567890, \"o\": {\"x\": [1]}}")));
    }

    @Test
    void aNullAfterIsADelete() {
        ChangefeedMessage m = parse("[2]", "{\"after\":null,\"updated\":\"5.0\"}");
        assertThat(m).isEqualTo(new ChangefeedMessage.Row(Mutation.delete(new Hlc(5, 0), "[2]")));
    }

    @Test
    void aResolvedMessage() {
        assertThat(parse(null, "{\"resolved\":\"7.0000000002\"}")).isEqualTo(new ChangefeedMessage.Resolved(new Hlc(7, 2)));
    }

    @Test
    void malformedMessagesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> parse("[1]", "{\"after\":{\"id\":1}}")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("WITH updated");
        assertThatThrownBy(() -> parse(null, "{\"after\":{\"id\":1},\"updated\":\"5.0\"}"))
                .hasMessageContaining("without a message key");
        assertThatThrownBy(() -> parse("{\"id\":1}", "{\"after\":{\"id\":1},\"updated\":\"5.0\"}"))
                .hasMessageContaining("JSON array");
        assertThatThrownBy(() -> parse("[1", "{\"after\":{\"id\":1},\"updated\":\"5.0\"}"))
                .isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> parse("[]", "{\"after\":{\"id\":1},\"updated\":\"5.0\"}"))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> parse("[1]", "{\"id\":1}")).hasMessageContaining("envelope=wrapped");
        assertThatThrownBy(() -> parse("[1]", "[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("[1]", "{\"after\":{\"id\":1},\"updated\":\"5.0\"} x"))
                .isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> parse("[1]", null)).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> ChangefeedMessage.parse(b("[1]"), new byte[] {'{', (byte) 0xff, '}'}, "m"))
                .hasMessageContaining("UTF-8");
    }

    @Test
    void optionsRoundTripAndAreChecked() {
        KafkaConfig c = KafkaConfig.fromOptions(Options.of(Map.of("brokers", "a:9092,b:9092", "group", "g",
                "topics", "x,y", "targetSchema", "db.public", "kafkaProperties", "security.protocol=SSL\nx.y=a=b")));
        assertThat(c.brokers()).containsExactly("a:9092", "b:9092");
        assertThat(c.kafkaProperties()).containsEntry("x.y", "a=b").containsEntry("security.protocol", "SSL");
        assertThat(KafkaConfig.fromOptions(Options.of(c.toOptions()))).isEqualTo(c);
        assertThatThrownBy(() -> KafkaConfig.fromOptions(Options.of(Map.of("brokers", "a:1", "group", "g",
                "targetSchema", "db.public")))).hasMessageContaining("--topicPattern");
        assertThatThrownBy(() -> KafkaConfig.fromOptions(Options.of(Map.of("brokers", "a:1", "group", "g",
                "topics", "x", "targetSchema", "db")))).hasMessageContaining("--targetSchema");
        assertThatThrownBy(() -> KafkaConfig.fromOptions(Options.of(Map.of("brokers", "a:1", "group", "g",
                "topics", "x", "targetSchema", "db.s", "kafkaProperties", "group.id=h"))))
                .hasMessageContaining("--group");
    }
}
