package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {
    @Test
    void certificateForLocalhostValidOneYear() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        TlsMaterial tls = SelfSignedCertificate.create();
        X509Certificate cert = tls.chain().get(0);
        cert.checkValidity();
        cert.verify(cert.getPublicKey());
        assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(cert.getNotBefore().toInstant()).isAfter(before.minusSeconds(1));
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(365));
        assertThat(cert.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactlyInAnyOrder((Object) "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(SelfSignedCertificate.create().chain().get(0)).as("fresh every time").isNotEqualTo(cert);
        assertThat(tls.keyStore("x".toCharArray()).getCertificateChain("server")).containsExactly(cert);
        assertThat(List.of(cert.getKeyUsage()[0])).containsExactly(true);
    }
}
