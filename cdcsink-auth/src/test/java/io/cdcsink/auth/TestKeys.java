package io.cdcsink.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Keys and tokens made inside tests. */
final class TestKeys {
    private TestKeys() {
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    static JWTClaimsSet.Builder claims(String jti, List<List<String>> schemas) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer("cdc-sink");
        if (jti != null) {
            b.jwtID(jti);
        }
        if (schemas != null) {
            b.claim(CdcSinkClaim.NAMESPACE, Map.of("schemas", schemas));
        }
        return b;
    }

    static String sign(KeyPair key, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key.getPrivate() instanceof ECPrivateKey ec ? new ECDSASigner(ec)
                    : new RSASSASigner(key.getPrivate());
            SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
