package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import io.cdcsink.api.Options;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {
    @Test
    void bindAddressForms() {
        assertThat(BindAddress.parse(":26258")).isEqualTo(new BindAddress(Optional.empty(), 26258));
        assertThat(BindAddress.parse("127.0.0.1:8080")).isEqualTo(new BindAddress(Optional.of("127.0.0.1"), 8080));
        assertThat(BindAddress.parse("localhost:0")).isEqualTo(new BindAddress(Optional.of("localhost"), 0));
        assertThat(BindAddress.parse("[::1]:9000")).isEqualTo(new BindAddress(Optional.of("::1"), 9000));
        assertThat(BindAddress.parse("[::1]:9000").toString()).isEqualTo("[::1]:9000");
    }

    @Test
    void badBindAddressNamesTheFlag() {
        for (String bad : new String[] {"", "26258", "host:", "host:port", "::1:80", "[::1:80", ":70000"}) {
            assertThatThrownBy(() -> BindAddress.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bindAddr");
        }
    }

    @Test
    void defaults() {
        WebhookConfig c = WebhookConfig.of(WebhookConfig.DEFAULT_BIND_ADDR);
        assertThat(c.maxBodyBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.bindAddress().port()).isEqualTo(26258);
        assertThat(c.tlsCertificate()).isEmpty();
    }

    @Test
    void certificateAndKeyGoTogether() {
        BindAddress any = BindAddress.parse(":0");
        assertThatThrownBy(() -> new WebhookConfig(any, 1, Optional.of(Path.of("c.pem")), Optional.empty(), false))
                .hasMessageContaining("--tlsCertificate").hasMessageContaining("--tlsPrivateKey");
        assertThatThrownBy(() -> new WebhookConfig(any, 1, Optional.empty(), Optional.of(Path.of("k.pem")), false))
                .hasMessageContaining("--tlsCertificate").hasMessageContaining("--tlsPrivateKey");
        assertThat(new WebhookConfig(any, 1, Optional.of(Path.of("c.pem")), Optional.of(Path.of("k.pem")), true)
                .tlsSelfSigned()).isTrue();
    }

    @Test
    void tokensFromHeaderOrQueryAndRedaction() {
        assertThat(io.cdcsink.api.AdminRoutes.token(Optional.of("Bearer abc"), Optional.of("access_token=zzz"))).contains("abc");
        assertThat(io.cdcsink.api.AdminRoutes.token(Optional.of("Basic abc"), Optional.of("access_token=zzz"))).isEmpty();
        assertThat(io.cdcsink.api.AdminRoutes.token(Optional.empty(), Optional.of("a=1&access_token=x%2By"))).contains("x+y");
        assertThat(io.cdcsink.api.AdminRoutes.token(Optional.empty(), Optional.empty())).isEmpty();
        assertThat(AccessTokens.redact("a=1&access_token=secret&b=2")).isEqualTo("a=1&b=2");
        assertThat(AccessTokens.redact("access_token=secret")).isEmpty();
    }

    @Test
    void optionsAreTheFlagsOfStartAndRoundTrip() {
        WebhookConfig defaults = WebhookConfig.fromOptions(Options.of(Map.of()));
        assertThat(defaults).isEqualTo(WebhookConfig.of(WebhookConfig.DEFAULT_BIND_ADDR));
        WebhookConfig tls = WebhookConfig.fromOptions(Options.of(Map.of("bindAddr", "[::1]:0", "maxBodyBytes", "1024",
                "tlsCertificate", "/c.pem", "tlsPrivateKey", "/k.pem")));
        assertThat(tls.tlsCertificate()).contains(Path.of("/c.pem"));
        assertThat(WebhookConfig.fromOptions(Options.of(tls.toOptions()))).isEqualTo(tls);
        assertThatThrownBy(() -> WebhookConfig.fromOptions(Options.of(Map.of("bindAddress", ":1"))))
                .hasMessageStartingWith("unknown option --bindAddress; known: [");
        assertThatThrownBy(() -> WebhookConfig.fromOptions(Options.of(Map.of("tlsSelfSigned", "yes"))))
                .hasMessage("--tlsSelfSigned must be true or false, was \"yes\"");
    }
}
