package io.cdcsink.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.nimbusds.jose.JWSAlgorithm;
import io.cdcsink.api.Authenticator;
import io.cdcsink.engine.JwtKeys;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.api.SchemaName;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.SqlJwtKeys;
import io.cdcsink.metadata.SqlMetadataSchema;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TestTargetPools;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorIT {
    private static final KeyPair KEY = TestKeys.ec("secp256r1");
    private static final KeyPair RSA = TestKeys.rsa();

    private EmbeddedPg pg;
    private TestTargetPools pools;
    private String database;
    private SchemaName target;
    private PrometheusRegistry registry;
    private JwtKeys keys;

    @BeforeEach
    void setUp() {
        pg = EmbeddedPg.shared();
        pools = new TestTargetPools(pg);
        database = pg.freshDatabase("jwt");
        target = new SchemaName(database, "public");
        registry = new PrometheusRegistry();
        keys = new SqlJwtKeys(new SqlMetadataSchema(pools, MetadataConfig.defaults()));
    }

    @AfterEach
    void tearDown() {
        pools.close();
    }

    private JwtAuthenticator authenticator() {
        return new JwtAuthenticator(new JwtKeyStore(keys), new AuthMetrics(registry));
    }

    private static String token(KeyPair key, JWSAlgorithm alg, String jti, String db) {
        return TestKeys.sign(key, alg, TestKeys.claims(jti, List.of(List.of(db, "public"))).build());
    }

    private String insertKey(String pem) throws SQLException {
        try (Connection c = pools.forDatabase(database).getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO _cdc_sink.jwt_public_keys (public_key) VALUES (?) RETURNING id::TEXT")) {
            ps.setString(1, pem);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = pools.forDatabase(database).getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void keysComeFromTheTargetDatabaseAndReloadPicksUpChanges() throws Exception {
        JwtAuthenticator auth = authenticator();
        String ec = token(KEY, JWSAlgorithm.ES256, "one", database);
        // First use creates the tables; no key yet, so nobody gets in.
        assertThat(auth.authorize(target, Optional.of(ec))).isFalse();

        insertKey(TestKeys.pem(KEY.getPublic()));
        assertThat(auth.authorize(target, Optional.of(ec))).as("not reloaded yet").isFalse();
        auth.reload();
        assertThat(auth.authorize(target, Optional.of(ec))).isTrue();
        assertThat(auth.authorize(target, Optional.empty())).isFalse();
        String rsaToken = token(RSA, JWSAlgorithm.RS256, "two", database);
        assertThat(auth.authorize(target, Optional.of(rsaToken))).isFalse();

        insertKey(TestKeys.pem(RSA.getPublic()));
        sql("INSERT INTO _cdc_sink.jwt_revoked_ids (id) VALUES ('one')");
        auth.reload();
        assertThat(auth.authorize(target, Optional.of(ec))).as("revoked").isFalse();
        assertThat(auth.authorize(target, Optional.of(rsaToken))).isTrue();

        sql("UPDATE _cdc_sink.jwt_public_keys SET active = false WHERE public_key LIKE '%PUBLIC KEY%'");
        auth.reload();
        assertThat(auth.authorize(target, Optional.of(rsaToken))).as("inactive key").isFalse();

        String scrape = scrape();
        assertThat(scrape).contains("auth_success_total 2.0")
                .contains("auth_failure_total{reason=\"revoked\"} 1.0")
                .contains("auth_failure_total{reason=\"no_token\"} 1.0")
                .contains("jwt_last_refresh_time_seconds{database=\"" + database + "\"}");
    }

    @Test
    void badKeyRowIsSkippedAtFirstLoadAndKeepsPreviousKeysOnReload() throws Exception {
        new JwtKeyStore(keys).ensure(database);
        String bad = insertKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        insertKey(TestKeys.pem(KEY.getPublic()));
        JwtAuthenticator auth = authenticator();
        String ec = token(KEY, JWSAlgorithm.ES256, "one", database);
        assertThat(auth.authorize(target, Optional.of(ec))).as("bad row skipped at first load").isTrue();

        // Revoke "one" but also break things: the reload must fail, naming the row, and keep the previous keys.
        sql("INSERT INTO _cdc_sink.jwt_revoked_ids (id) VALUES ('one')");
        assertThatThrownBy(auth::reload).hasMessageContaining(bad).hasMessageContaining(database);
        assertThat(auth.authorize(target, Optional.of(ec))).as("previous key set kept").isTrue();

        sql("DELETE FROM _cdc_sink.jwt_public_keys WHERE id = '" + bad + "'");
        auth.reload();
        assertThat(auth.authorize(target, Optional.of(ec))).as("revocation applies once the row is fixed").isFalse();
    }

    @Test
    void tokenForAnotherDatabaseIsRefused() throws Exception {
        new JwtKeyStore(keys).ensure(database);
        insertKey(TestKeys.pem(KEY.getPublic()));
        JwtAuthenticator auth = authenticator();
        assertThat(auth.authorize(target, Optional.of(token(KEY, JWSAlgorithm.ES256, "x", "elsewhere")))).isFalse();
        assertThat(auth.authorize(target, Optional.of(token(KEY, JWSAlgorithm.ES256, "x", "*")))).isTrue();
        assertThat(scrape()).contains("auth_failure_total{reason=\"schema\"} 1.0");
    }

    @Test
    void moduleBindsTheJwtAuthenticatorAsReloadable() {
        Injector injector = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(JwtKeys.class).toInstance(keys);
                bind(PrometheusRegistry.class).toInstance(registry);
            }
        }, new AuthModule(new AuthConfig(false)));
        Authenticator a = injector.getInstance(Authenticator.class);
        assertThat(a).isInstanceOf(JwtAuthenticator.class);
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Set<Reloadable>>() {
        }))).containsExactly((Reloadable) a);
        assertThat(a.authorize(target, Optional.of("anything"))).isFalse();
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
        return out.toString();
    }
}
