package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Authenticator;
import io.cdcsink.testing.UnconnectedTargetPools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and HTTP/2 of the webhook server, with certificates made by openssl and by the server itself. */
class WebhookTlsIT {
    @TempDir
    Path dir;
    private WebhookServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(WebhookConfig config) throws Exception {
        Authenticator allow = (schema, token) -> true;
        server = TestServers.started(config, new RecordingPipeline(), allow, new UnconnectedTargetPools(true));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    static HttpClient trusting(List<X509Certificate> certs, HttpClient.Version version) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            trust.setCertificateEntry("c" + i, certs.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        // Only a bound against a hang: on a busy 2-core CI machine (the fuzz test in the other fork) a TLS connect
        // to a cold server once took more than 5 s.
        return HttpClient.newBuilder().sslContext(ctx).version(version).connectTimeout(Duration.ofSeconds(30)).build();
    }

    private HttpResponse<String> healthz(HttpClient client, String scheme, String host) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + server.port()
                + "/_/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private WebhookConfig tls(Path cert, Path key) {
        return new WebhookConfig(BindAddress.parse("127.0.0.1:0"), WebhookConfig.DEFAULT_MAX_BODY_BYTES,
                Optional.of(cert), Optional.of(key), false);
    }

    @Test
    void providedEcCertificateServesHttp2AndHttp11() throws Exception {
        // ecparam -genkey writes an EC PARAMETERS block before the SEC1 key; it must be skipped.
        run(dir, "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", "key.pem");
        run(dir, "openssl", "req", "-x509", "-new", "-key", "key.pem", "-out", "cert.pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        start(tls(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        List<X509Certificate> chain = PemFiles.readCertificates(dir.resolve("cert.pem"));

        HttpResponse<String> h2 = healthz(trusting(chain, HttpClient.Version.HTTP_2), "https", "127.0.0.1");
        assertThat(h2.statusCode()).isEqualTo(200);
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> h1 = healthz(trusting(chain, HttpClient.Version.HTTP_1_1), "https", "localhost");
        assertThat(h1.statusCode()).isEqualTo(200);
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

        // A client that does not trust the certificate is turned away by the handshake.
        assertThatThrownBy(() -> healthz(HttpClient.newHttpClient(), "https", "127.0.0.1"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void providedRsaPkcs1KeyWorks() throws Exception {
        run(dir, "openssl", "genrsa", "-traditional", "-out", "key.pem", "2048");
        assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN RSA PRIVATE KEY");
        run(dir, "openssl", "req", "-x509", "-new", "-key", "key.pem", "-out", "cert.pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
        start(tls(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        HttpClient client = trusting(PemFiles.readCertificates(dir.resolve("cert.pem")), HttpClient.Version.HTTP_2);
        assertThat(healthz(client, "https", "127.0.0.1").statusCode()).isEqualTo(200);
    }

    @Test
    void plaintextSpeaksH2c() throws Exception {
        start(WebhookConfig.of("127.0.0.1:0"));
        HttpResponse<String> r = healthz(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(), "http",
                "127.0.0.1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void selfSignedServesTls() throws Exception {
        start(new WebhookConfig(BindAddress.parse("127.0.0.1:0"), WebhookConfig.DEFAULT_MAX_BODY_BYTES,
                Optional.empty(), Optional.empty(), true));
        // Plain HTTP to a TLS port does not get an answer from the handler.
        assertThatThrownBy(() -> healthz(HttpClient.newHttpClient(), "http", "127.0.0.1"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> healthz(HttpClient.newHttpClient(), "https", "127.0.0.1"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void unreadableKeyFileFailsStartWithItsName() throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "nothing");
        Files.writeString(dir.resolve("key.pem"), "nothing");
        assertThatThrownBy(() -> start(tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))))
                .hasMessageContaining("cert.pem");
    }
}
