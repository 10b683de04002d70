package io.cdcsink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.SchemaName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The consumer's settings: cdc-sink's defaults, which the user's properties override, and the fixed ones. */
class KafkaSourcePropertiesTest {
    private static Properties properties(Map<String, String> user) {
        KafkaConfig config = new KafkaConfig(List.of("localhost:9092"), "g", List.of("t"), Optional.empty(), "",
                new SchemaName("db", "public"), false, KafkaConfig.DEFAULT_STAGING, Duration.ofSeconds(1), user);
        return new KafkaSource(config, null, null).consumerProperties();
    }

    @Test
    void fiveThousandRecordsPerPollUnlessTheUserSaysOtherwise() {
        Properties defaults = properties(Map.of());
        assertThat(defaults.getProperty("max.poll.records")).isEqualTo("5000");
        assertThat(defaults.getProperty("auto.offset.reset")).isEqualTo("earliest");
        assertThat(defaults.getProperty("enable.auto.commit")).isEqualTo("false");
        assertThat(defaults.getProperty("group.id")).isEqualTo("g");

        Properties user = properties(Map.of("max.poll.records", "500", "auto.offset.reset", "latest"));
        assertThat(user.getProperty("max.poll.records")).isEqualTo("500");
        assertThat(user.getProperty("auto.offset.reset")).isEqualTo("latest");
    }
}
