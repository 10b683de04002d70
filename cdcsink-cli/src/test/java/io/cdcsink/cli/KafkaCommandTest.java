package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.kafka.KafkaConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cdc-sink kafka}: its flags become the source's options; missing ones fail before anything is contacted. */
class KafkaCommandTest {
    @Test
    void flagsBecomeTheSourceOptions() {
        KafkaCommand c = new KafkaCommand();
        new CommandLine(c).parseArgs("--broker", "a:9092", "--broker", "b:9092", "--group", "g", "--topic", "x",
                "--topic", "y", "--topicPrefix", "p_", "--targetSchema", "app.public", "--kafkaProperty",
                "security.protocol=SSL", "--retryDelay", "2s");
        KafkaConfig config = c.config();
        assertThat(config.brokers()).containsExactly("a:9092", "b:9092");
        assertThat(config.topics()).containsExactly("x", "y");
        assertThat(config.target().database()).isEqualTo("app");
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(config.retryDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.stagingSchema()).isEqualTo("_cdc_sink");
        assertThat(config.immediate()).isFalse();
    }

    @Test
    void missingFlagsAreNamed() {
        assertThat(run("kafka", "--group", "g", "--topic", "x", "--targetSchema", "a.b",
                "--targetConn", "postgresql://x@127.0.0.1:1/postgres")).contains("--broker is required");
        assertThat(run("kafka", "--broker", "a:1", "--topic", "x", "--targetSchema", "a.b",
                "--targetConn", "postgresql://x@127.0.0.1:1/postgres")).contains("--group is required");
        assertThat(run("kafka", "--broker", "a:1", "--group", "g", "--targetSchema", "a.b",
                "--targetConn", "postgresql://x@127.0.0.1:1/postgres")).contains("--topicPattern");
        assertThat(run("kafka", "--broker", "a:1", "--group", "g", "--topic", "x",
                "--targetConn", "postgresql://x@127.0.0.1:1/postgres")).contains("--targetSchema");
    }

    private static String run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute(args)).isNotZero();
            return err.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(old);
        }
    }
}
