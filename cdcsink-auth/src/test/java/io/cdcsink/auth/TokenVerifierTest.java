package io.cdcsink.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.cdcsink.api.SchemaName;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final SchemaName TARGET = new SchemaName("ycsb", "public");
    private static final KeyPair EC = TestKeys.ec("secp256r1");
    private static final KeyPair EC384 = TestKeys.ec("secp384r1");
    private static final KeyPair EC521 = TestKeys.ec("secp521r1");
    private static final KeyPair RSA = TestKeys.rsa();
    private static final KeyPair UNKNOWN = TestKeys.ec("secp256r1");
    private static final KeyPair INACTIVE = TestKeys.ec("secp256r1");
    private static final JwtKeySet KEYS = new JwtKeySet(List.of(
            new TrustedKey("ec", EC.getPublic()), new TrustedKey("ec384", EC384.getPublic()),
            new TrustedKey("ec521", EC521.getPublic()), new TrustedKey("rsa", RSA.getPublic())), Set.of("revoked"));

    private static String ec(JWTClaimsSet claims) {
        return TestKeys.sign(EC, JWSAlgorithm.ES256, claims);
    }

    private static JWTClaimsSet claims(String jti, String db, String schema) {
        return TestKeys.claims(jti, List.of(List.of(db, schema))).build();
    }

    static Stream<Arguments> matrix() throws JOSEException {
        JWTClaimsSet valid = claims("t1", "ycsb", "public");
        String validEc = ec(valid);
        String[] parts = validEc.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].startsWith("A") ? "B" : "A")
                + parts[2].substring(1);
        String otherPayload = parts[0] + "." + ec(claims("t1", "*", "*")).split("\\.")[1] + "." + parts[2];
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), valid);
        hmac.sign(new MACSigner(new byte[32]));
        return Stream.of(
                Arguments.of("valid ES256", validEc, "ok"),
                Arguments.of("valid ES384", TestKeys.sign(EC384, JWSAlgorithm.ES384, valid), "ok"),
                Arguments.of("valid ES512", TestKeys.sign(EC521, JWSAlgorithm.ES512, valid), "ok"),
                Arguments.of("valid RS256", TestKeys.sign(RSA, JWSAlgorithm.RS256, valid), "ok"),
                Arguments.of("valid RS384", TestKeys.sign(RSA, JWSAlgorithm.RS384, valid), "ok"),
                Arguments.of("valid RS512", TestKeys.sign(RSA, JWSAlgorithm.RS512, valid), "ok"),
                Arguments.of("PS256 refused", TestKeys.sign(RSA, JWSAlgorithm.PS256, valid), "algorithm"),
                Arguments.of("wrong schema", ec(claims("t1", "ycsb", "other")), "schema"),
                Arguments.of("wrong database", ec(claims("t1", "other", "public")), "schema"),
                Arguments.of("case differs", ec(claims("t1", "YCSB", "public")), "schema"),
                Arguments.of("wildcard database", ec(claims("t1", "*", "public")), "ok"),
                Arguments.of("wildcard schema", ec(claims("t1", "ycsb", "*")), "ok"),
                Arguments.of("wildcard both", ec(claims("t1", "*", "*")), "ok"),
                Arguments.of("wildcard database, wrong schema", ec(claims("t1", "*", "other")), "schema"),
                Arguments.of("second entry matches", ec(TestKeys.claims("t1",
                        List.of(List.of("a", "b"), List.of("ycsb", "public"))).build()), "ok"),
                Arguments.of("revoked jti", ec(claims("revoked", "ycsb", "public")), "revoked"),
                Arguments.of("expired", ec(TestKeys.claims("t1", List.of(List.of("ycsb", "public")))
                        .expirationTime(Date.from(NOW.minusSeconds(60))).build()), "expired"),
                Arguments.of("exp 0", ec(TestKeys.claims("t1", List.of(List.of("ycsb", "public")))
                        .expirationTime(new Date(0)).build()), "expired"),
                Arguments.of("not expired yet", ec(TestKeys.claims("t1", List.of(List.of("ycsb", "public")))
                        .expirationTime(Date.from(NOW.plusSeconds(60))).build()), "ok"),
                Arguments.of("not yet valid", ec(TestKeys.claims("t1", List.of(List.of("ycsb", "public")))
                        .notBeforeTime(Date.from(NOW.plusSeconds(60))).build()), "not_yet_valid"),
                Arguments.of("valid since", ec(TestKeys.claims("t1", List.of(List.of("ycsb", "public")))
                        .notBeforeTime(Date.from(NOW.minusSeconds(60))).build()), "ok"),
                Arguments.of("HS256", hmac.serialize(), "algorithm"),
                Arguments.of("alg none", new PlainJWT(valid).serialize(), "malformed"),
                Arguments.of("alg none with a signature part", new PlainJWT(valid).serialize() + "c2ln", "malformed"),
                Arguments.of("tampered signature", tampered, "signature"),
                Arguments.of("payload swapped", otherPayload, "signature"),
                Arguments.of("unknown key", TestKeys.sign(UNKNOWN, JWSAlgorithm.ES256, valid), "signature"),
                Arguments.of("inactive key", TestKeys.sign(INACTIVE, JWSAlgorithm.ES256, valid), "signature"),
                Arguments.of("ES256 header on a P-384 key", TestKeys.sign(EC384, JWSAlgorithm.ES384, valid)
                        .replaceFirst("^[^.]+", parts[0]), "signature"),
                Arguments.of("missing jti", ec(claims(null, "ycsb", "public")), "claims"),
                Arguments.of("missing claim", ec(TestKeys.claims("t1", null).build()), "claims"),
                Arguments.of("empty schema list", ec(TestKeys.claims("t1", List.of()).build()), "claims"),
                Arguments.of("one-part schema entry", ec(TestKeys.claims("t1", List.of(List.of("ycsb"))).build()),
                        "claims"),
                Arguments.of("not a JWT", "garbage", "malformed"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("matrix")
    void tokenMatrix(String name, String token, String reason) {
        Verdict v = new TokenVerifier().verify(KEYS, TARGET, token, NOW);
        assertThat(v.reason()).as(name).isEqualTo(reason);
        assertThat(v.allowed()).as(name).isEqualTo(reason.equals("ok"));
    }

    @Test
    void noKeysRefusesEverything() {
        Verdict v = new TokenVerifier().verify(JwtKeySet.empty(), TARGET, ec(claims("t1", "*", "*")), NOW);
        assertThat(v).isEqualTo(Verdict.denied("signature"));
    }

    @Test
    void pkcs1RsaPublicKeyIsAccepted() throws Exception {
        // PKCS#1 RSAPublicKey is the BIT STRING content of the SubjectPublicKeyInfo; its prefix is 24 bytes for 2048.
        byte[] spki = RSA.getPublic().getEncoded();
        byte[] pkcs1 = java.util.Arrays.copyOfRange(spki, 24, spki.length);
        String pem = "-----BEGIN RSA PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PUBLIC KEY-----\n";
        assertThat(PublicKeyPem.parse("k", pem)).isEqualTo(RSA.getPublic());
        assertThat(PublicKeyPem.parse("k", TestKeys.pem(EC.getPublic()))).isEqualTo(EC.getPublic());
    }

    @Test
    void unusableKeyIsNamedById() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PublicKeyPem.parse("1234", "not a key"))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("1234");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PublicKeyPem.parse("5678",
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("5678");
    }

    @Test
    void schemaPatternParsing() {
        assertThat(SchemaPattern.parse("db.sch")).isEqualTo(new SchemaPattern("db", "sch"));
        assertThat(SchemaPattern.parse("*.*").matches(TARGET)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SchemaPattern.parse("a.b.c"))
                .hasMessageContaining("could not interpret \"a.b.c\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SchemaPattern.parse("ab"))
                .hasMessageContaining("could not interpret");
    }
}
