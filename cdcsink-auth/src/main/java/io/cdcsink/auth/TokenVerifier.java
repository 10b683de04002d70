package io.cdcsink.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.cdcsink.api.SchemaName;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a compact JWS token against a key set: signature by an active key with RS256/384/512 or ES256/384/512 (HMAC,
 * {@code none} and everything else are refused), a {@code jti} that is not revoked, {@code exp}/{@code nbf} when
 * present, and cdc-sink's claim allowing the schema. Stateless; never throws.
 */
public final class TokenVerifier {
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** The token's header announces an acceptable algorithm (cheap check before any key is loaded). */
    public Optional<Verdict> precheck(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return Optional.of(Verdict.denied("malformed"));
        }
        if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            return Optional.of(Verdict.denied("algorithm"));
        }
        return Optional.empty();
    }

    public Verdict verify(JwtKeySet keys, SchemaName target, String token, Instant now) {
        Optional<Verdict> early = precheck(token);
        if (early.isPresent()) {
            return early.get();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Verdict.denied("malformed");
        }
        if (!signedByAny(jwt, keys)) {
            return Verdict.denied("signature");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty()) {
            return Verdict.denied("claims");
        }
        if (keys.revokedIds().contains(jti)) {
            return Verdict.denied("revoked");
        }
        Date exp = claims.getExpirationTime();
        if (exp != null && !now.isBefore(exp.toInstant())) {
            return Verdict.denied("expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant())) {
            return Verdict.denied("not_yet_valid");
        }
        CdcSinkClaim claim;
        try {
            claim = CdcSinkClaim.fromJson(claims.getClaim(CdcSinkClaim.NAMESPACE));
        } catch (IllegalArgumentException e) {
            return Verdict.denied("claims");
        }
        return claim.allows(target) ? Verdict.ALLOWED : Verdict.denied("schema");
    }

    private static boolean signedByAny(SignedJWT jwt, JwtKeySet keys) {
        for (TrustedKey k : keys.keys()) {
            try {
                JWSVerifier verifier;
                if (k.key() instanceof RSAPublicKey rsa) {
                    verifier = new RSASSAVerifier(rsa);
                } else if (k.key() instanceof ECPublicKey ec) {
                    verifier = new ECDSAVerifier(ec);
                } else {
                    continue;
                }
                if (verifier.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm()) && jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // This key cannot check this token (other curve or type): try the next one.
            }
        }
        return false;
    }
}
