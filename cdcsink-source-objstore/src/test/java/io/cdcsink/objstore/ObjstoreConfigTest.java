package io.cdcsink.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Options;
import io.cdcsink.api.SchemaName;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjstoreConfigTest {
    @Test
    void optionsRoundTripAndTheSecretIsNotPrinted() {
        ObjstoreConfig c = ObjstoreConfig.fromOptions(Options.of(Map.of("source", "s3://bucket/feeds/app",
                "targetSchema", "app.public", "pollInterval", "250ms", "s3Endpoint", "http://127.0.0.1:9000",
                "s3AccessKey", "key", "s3SecretKey", "very-secret")));
        assertThat(c.bucket()).isEqualTo("bucket");
        assertThat(c.prefix()).isEqualTo("feeds/app");
        assertThat(c.targetSchema()).isEqualTo(new SchemaName("app", "public"));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(ObjstoreConfig.fromOptions(Options.of(c.toOptions()))).isEqualTo(c);
        assertThat(c.toString()).doesNotContain("very-secret");
    }

    @Test
    void badOptionsNameTheFlag() {
        assertThatThrownBy(() -> ObjstoreConfig.fromOptions(Options.of(Map.of("targetSchema", "a.b"))))
                .hasMessageContaining("--source is required");
        assertThatThrownBy(() -> ObjstoreConfig.fromOptions(Options.of(Map.of("source", "s3:///nobucket",
                "targetSchema", "a.b")))).hasMessageContaining("needs a bucket");
        assertThatThrownBy(() -> ObjstoreConfig.fromOptions(Options.of(Map.of("source", "file:///tmp/x",
                "targetSchema", "a.b", "pollInterval", "0s")))).hasMessageContaining("--pollInterval must be positive");
        assertThatThrownBy(() -> ObjstoreConfig.fromOptions(Options.of(Map.of("source", "file:///tmp/x",
                "targetSchema", "a.b", "sourceConn", "x")))).hasMessageContaining("unknown option --sourceConn");
    }
}
