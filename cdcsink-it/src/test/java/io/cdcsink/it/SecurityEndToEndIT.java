package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.webhook.PemFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT authentication, {@code make-jwt}, SIGHUP reload and TLS through the real jar. Keys are made by openssl; the
 * public key goes into {@code _cdc_sink.jwt_public_keys} of the target database as the spec's quickstart shows.
 */
class SecurityEndToEndIT {
    private static final String NAMESPACE = "https://github.com/cockroachdb/cdc-sink";
    private static final String UNAUTHORIZED = "missing or invalid access token";

    private final EmbeddedPg pg = EmbeddedPg.shared();
    private final List<Process> processes = new ArrayList<>();
    @TempDir
    Path dir;
    private String db;
    /** The target and the webhook path the tests post to: PostgreSQL's test database unless a test changes them. */
    private String conn;
    private String path;
    private int port;
    private Path log;
    private int nextKey;

    @BeforeEach
    void freshDatabase() throws Exception {
        db = pg.freshDatabase("sec");
        conn = pg.connectionString();
        path = "/" + db + "/public";
        sql("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", "ec.key");
        openssl("ec", "-in", "ec.key", "-pubout", "-out", "ec.pub");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    // ---------------------------------------------------------------- the token matrix and SIGHUP reload

    @Test
    void tokensAreCheckedAgainstKeysInTheTargetAndReloadedOnSighup() throws Exception {
        Process p = start();
        HttpClient http = HttpClient.newHttpClient();
        String valid = makeJwt("-a", db + ".public");
        assertThat(valid).doesNotContain("\n");

        // No key uploaded yet: even a well-made token is refused, and the first use created the key tables.
        assertThat(post(http, "http", valid, null)).isEqualTo(401);
        assertThat(stagedRows()).isZero();

        sql("INSERT INTO _cdc_sink.jwt_public_keys (public_key) VALUES ('" + Files.readString(dir.resolve("ec.pub"))
                + "')");
        hangUp(p);
        awaitStatus(http, valid, 200);
        long staged = stagedRows();
        assertThat(staged).isEqualTo(1);

        ECPrivateKey key = (ECPrivateKey) PemFiles.readPrivateKey(dir.resolve("ec.key"));
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("no token", null);
        refused.put("wrong schema", makeJwt("-a", db + ".other"));
        refused.put("wrong database", makeJwt("-a", "elsewhere.public"));
        refused.put("expired", es256(key, claims("e1", db, "public").expirationTime(
                Date.from(Instant.now().minusSeconds(60))).build()));
        refused.put("not yet valid", es256(key, claims("n1", db, "public").notBeforeTime(
                Date.from(Instant.now().plusSeconds(3600))).build()));
        refused.put("missing jti", es256(key, claims(null, db, "public").build()));
        refused.put("missing claim", es256(key, new JWTClaimsSet.Builder().jwtID("m1").build()));
        refused.put("HS256", hs256(claims("h1", db, "public").build()));
        refused.put("alg none", new PlainJWT(claims("a1", db, "public").build()).serialize());
        refused.put("unknown key", es256(otherKey(), claims("u1", db, "public").build()));
        String[] parts = valid.split("\\.");
        refused.put("tampered", parts[0] + "." + es256(key, claims("x", "*", "*").build()).split("\\.")[1] + "."
                + parts[2]);
        for (Map.Entry<String, String> e : refused.entrySet()) {
            HttpResponse<String> r = send(http, "http", e.getValue(), null);
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(401);
            assertThat(r.body()).as(e.getKey()).contains(UNAUTHORIZED);
            assertThat(stagedRows()).as("nothing staged for " + e.getKey()).isEqualTo(staged);
        }
        // Other schemes in Authorization are no token at all.
        assertThat(send(http, "http", null, "Basic " + valid).statusCode()).isEqualTo(401);
        assertThat(stagedRows()).isEqualTo(staged);

        // Accepted forms: wildcard claims and the access_token query parameter.
        assertThat(post(http, "http", makeJwt("-a", "*.public"), null)).isEqualTo(200);
        assertThat(post(http, "http", makeJwt("-a", db + ".*"), null)).isEqualTo(200);
        assertThat(post(http, "http", null, "?access_token=" + URLEncoder.encode(valid, StandardCharsets.UTF_8)))
                .isEqualTo(200);
        assertThat(stagedRows()).isEqualTo(staged + 3);
        // The token in the query never reaches the log.
        assertThat(Files.readString(log)).doesNotContain(parts[2]);

        // Revoke the token, reload by SIGHUP: refused from then on, and the process keeps running.
        String jti = jti(valid);
        sql("INSERT INTO _cdc_sink.jwt_revoked_ids (id) VALUES ('" + jti + "')");
        hangUp(p);
        awaitStatus(http, valid, 401);

        // A bad key row makes the reload fail (logged with its id) without locking anybody out.
        String other = makeJwt("-a", db + ".public");
        sql("INSERT INTO _cdc_sink.jwt_public_keys (id, public_key) VALUES "
                + "('00000000-0000-0000-0000-00000000bad1', 'not a key')");
        hangUp(p);
        awaitLog("00000000-0000-0000-0000-00000000bad1");
        assertThat(post(http, "http", other, null)).isEqualTo(200);
        assertThat(p.isAlive()).isTrue();

        HttpResponse<String> varz = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/_/varz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(varz.body()).contains("auth_success_total").contains("auth_failure_total{reason=\"revoked\"}")
                .contains("jwt_last_refresh_time_seconds{database=\"" + db + "\"}");
    }

    /**
     * A MariaDB target: the key tables are in cdc-sink's database of the server ({@code _cdc_sink}); a key uploaded
     * there and reloaded by SIGHUP admits tokens for the database, not for another schema, and a revoked id is refused
     * after the next reload.
     */
    @Test
    void onMariaDbTokensAreCheckedAgainstTheKeyTablesOfTheServer() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String my = maria.newDatabase("secmy");
        maria.execute(my, "CREATE TABLE t (k VARCHAR(64) PRIMARY KEY, v TEXT)");
        conn = TestTarget.MARIADB.conn(my);
        path = "/" + my + "/" + my;
        Process p = start();
        HttpClient http = HttpClient.newHttpClient();
        String valid = makeJwt("-a", my + "." + my);
        String key = Files.readString(dir.resolve("ec.pub")).strip();
        assertThat(post(http, "http", valid, null)).as("no key of this test's yet").isEqualTo(401);
        try {
            maria.execute(my, "INSERT INTO _cdc_sink.jwt_public_keys (public_key) VALUES ('" + key + "')");
            hangUp(p);
            awaitStatus(http, valid, 200);
            assertThat(post(http, "http", makeJwt("-a", my + ".other"), null)).as("another schema").isEqualTo(401);
            maria.execute(my, "INSERT INTO _cdc_sink.jwt_revoked_ids (id) VALUES ('" + jti(valid) + "')");
            hangUp(p);
            awaitStatus(http, valid, 401);
            assertThat(p.isAlive()).isTrue();
        } finally {
            // One key table per server: the key must not outlive the test.
            maria.execute(my, "DELETE FROM _cdc_sink.jwt_public_keys WHERE public_key = '" + key + "'");
        }
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void providedCertificateServesHttpsWithTokens() throws Exception {
        openssl("req", "-x509", "-new", "-key", "ec.key", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        sql("CREATE SCHEMA IF NOT EXISTS _cdc_sink");
        sql("CREATE TABLE _cdc_sink.jwt_public_keys (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
                + " public_key TEXT NOT NULL, active BOOL NOT NULL DEFAULT true)");
        sql("INSERT INTO _cdc_sink.jwt_public_keys (public_key) VALUES ('" + Files.readString(dir.resolve("ec.pub"))
                + "')");
        start("--tlsCertificate", dir.resolve("cert.pem").toString(), "--tlsPrivateKey",
                dir.resolve("ec.key").toString());
        HttpClient https = trusting(PemFiles.readCertificates(dir.resolve("cert.pem")));
        String token = makeJwt("-a", db + ".public");
        HttpResponse<String> r = send(https, "https", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(send(https, "https", null, null).statusCode()).isEqualTo(401);
        assertThat(stagedRows()).isEqualTo(1);
        assertThatThrownBy(() -> send(HttpClient.newHttpClient(), "https", token, null))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void selfSignedCertificateIsForLocalhost() throws Exception {
        start("--tlsSelfSigned", "--disableAuthentication");
        List<X509Certificate> served = serverChain();
        X509Certificate cert = served.get(0);
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=localhost");
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays())
                .isEqualTo(365);
        // A client that trusts exactly this certificate (and checks the host name) can talk to the server.
        HttpResponse<String> r = send(trusting(served), "https", null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(Files.readString(log)).contains("authentication disabled");
    }

    // ---------------------------------------------------------------- helpers

    private Process start(String... flags) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = JarCommand.logs().resolve("security-" + port + ".log");
        // Logs are appended to and ports come round again across builds: only this start's lines count.
        long earlier = Files.exists(log) ? Files.size(log) : 0;
        List<String> args = new ArrayList<>(List.of("start", "--conn", conn, "--bindAddr",
                "127.0.0.1:" + port, "-v"));
        args.addAll(List.of(flags));
        List<String> cmd = JarCommand.of("256m", args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!since(log, earlier).contains("Server listening on")) {
            assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("cdc-sink did not start: " + Files.readString(log)).isLessThan(deadline);
            Thread.sleep(100);
        }
        return p;
    }

    private static String since(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    /** {@code cdc-sink make-jwt -k ec.key ... -o out.jwt} through the jar; returns the token. */
    private String makeJwt(String... allow) throws Exception {
        Path out = dir.resolve("out-" + (nextKey++) + ".jwt");
        List<String> args = new ArrayList<>(List.of("make-jwt", "-k", dir.resolve("ec.key").toString(), "-o",
                out.toString()));
        args.addAll(List.of(allow));
        List<String> cmd = JarCommand.of("256m", args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        return Files.readString(out);
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(cmd + ": " + out).isZero();
    }

    private static void hangUp(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private void awaitStatus(HttpClient http, String token, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int last;
        do {
            last = post(http, "http", token, null);
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(last).as("status after SIGHUP; log: " + Files.readString(log)).isEqualTo(status);
    }

    private void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.readString(log).contains(text)) {
            assertThat(System.nanoTime()).as("log never showed " + text).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private int post(HttpClient http, String scheme, String token, String query) throws Exception {
        return send(http, scheme, token, query).statusCode();
    }

    /** Posts one new mutation for table t; {@code token} goes into a Bearer header unless it is null. */
    private HttpResponse<String> send(HttpClient http, String scheme, String token, String queryOrHeader)
            throws Exception {
        String query = queryOrHeader != null && queryOrHeader.startsWith("?") ? queryOrHeader : "";
        String k = "k" + (nextKey++);
        String body = "{\"payload\":[{\"after\":{\"k\":\"" + k + "\",\"v\":\"x\"},\"key\":[\"" + k
                + "\"],\"topic\":\"t\",\"updated\":\"1700000000000000000.0000000000\"}],\"length\":1}";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path + query))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        } else if (queryOrHeader != null && !queryOrHeader.startsWith("?")) {
            b.header("Authorization", queryOrHeader);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JWTClaimsSet.Builder claims(String jti, String database, String schema) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer("cdc-sink")
                .claim(NAMESPACE, Map.of("schemas", List.of(List.of(database, schema))));
        return jti == null ? b : b.jwtID(jti);
    }

    private static String es256(ECPrivateKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(new byte[32]));
        return jwt.serialize();
    }

    private static ECPrivateKey otherKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return (ECPrivateKey) g.generateKeyPair().getPrivate();
    }

    private static String jti(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    }

    /** Mutations staged in any staging table of the test database (0 while none exists). */
    private long stagedRows() throws SQLException {
        long total = 0;
        try (Connection c = pg.dataSource(db).getConnection()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = '_cdc_sink' AND table_name LIKE 'stage2\\_%'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT coalesce(sum(mutations), 0) FROM _cdc_sink.\"" + t + "\"")) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
        }
        return total;
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static HttpClient trusting(List<X509Certificate> certs) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            trust.setCertificateEntry("c" + i, certs.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The certificate chain the server presents, captured by a handshake that checks nothing. */
    private List<X509Certificate> serverChain() throws Exception {
        TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{any}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : s.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return chain;
        }
    }
}
