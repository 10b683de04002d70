package io.cdcsink.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.cdcsink.auth.CdcSinkClaim;
import io.cdcsink.auth.SchemaPattern;
import io.cdcsink.webhook.PemFiles;
import java.nio.charset.StandardCharsets;
import com.nimbusds.jose.jwk.Curve;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cdc-sink make-jwt}: signs a token allowing writes to some schemas, or prints the claim to sign elsewhere. */
@Command(name = "make-jwt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "create a JWT that allows writing to the given schemas, signed with a PEM private key"
                + " (EC P-256/P-384/P-521 or RSA)")
final class MakeJwtCommand implements Callable<Integer> {
    @Option(names = {"-a", "--allow"}, split = ",", paramLabel = "database.schema",
            description = "a schema the token may write to; repeatable or comma-separated; * is a wildcard")
    List<String> allow = new ArrayList<>();

    @Option(names = "--claim", description = "print the unsigned claim as JSON and exit (no key needed)")
    boolean claimOnly;

    @Option(names = {"-k", "--key"}, description = "the PEM private key to sign the token with")
    Path key;

    @Option(names = {"-o", "--out"}, description = "write the token to this file (mode 0600) instead of stdout")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (allow.isEmpty()) {
            throw new IllegalArgumentException("no schemas specified: pass -a database.schema");
        }
        List<SchemaPattern> schemas = new ArrayList<>();
        for (String a : allow) {
            schemas.add(SchemaPattern.parse(a.trim()));
        }
        Map<String, Object> claims = new CdcSinkClaim(schemas).claimSet();
        if (claimOnly) {
            spec.commandLine().getOut().println(prettyJson(claims));
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (key == null) {
            throw new IllegalArgumentException("no private key specified: pass -k key.pem (or --claim)");
        }
        PrivateKey privateKey;
        try {
            privateKey = PemFiles.readPrivateKey(key);
        } catch (IOException e) {
            throw new IllegalArgumentException("-k: " + e.getMessage(), e);
        }
        String token;
        try {
            token = sign(privateKey, claims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-k " + key + ": " + e.getMessage(), e);
        }
        if (out != null) {
            try {
                writePrivately(out, token);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("-o " + out + ": no such directory: " + out.toAbsolutePath()
                        .getParent(), e);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IllegalArgumentException("-o " + out + ": permission denied", e);
            } catch (IOException e) {
                throw new IllegalArgumentException("-o " + out + ": " + e.getMessage(), e);
            }
        } else {
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /** The keys {@link #sign} accepts, as the end of a message about one it does not. */
    static final String SUPPORTED_KEYS = "use an EC key on P-256 (ES256), P-384 (ES384) or P-521 (ES512), or an RSA"
            + " key of at least 2048 bits (RS256)";

    static String sign(PrivateKey key, Map<String, Object> claims) throws JOSEException {
        JWSAlgorithm alg;
        JWSSigner signer;
        if (key instanceof ECPrivateKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (Curve.P_256.equals(curve)) {
                alg = JWSAlgorithm.ES256;
            } else if (Curve.P_384.equals(curve)) {
                alg = JWSAlgorithm.ES384;
            } else if (Curve.P_521.equals(curve)) {
                alg = JWSAlgorithm.ES512;
            } else {
                throw new IllegalArgumentException("an EC key on curve " + (curve == null ? "(unknown)"
                        : curve.getStdName()) + " is not supported; " + SUPPORTED_KEYS);
            }
            signer = new ECDSASigner(ec);
        } else if (key instanceof RSAPrivateKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("an RSA key of " + rsa.getModulus().bitLength() + " bits is too"
                        + " short; " + SUPPORTED_KEYS);
            }
            alg = JWSAlgorithm.RS256;
            signer = new RSASSASigner(rsa);
        } else {
            throw new IllegalArgumentException("a key of type " + key.getAlgorithm() + " is not supported; "
                    + SUPPORTED_KEYS);
        }
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder();
        claims.forEach(set::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), set.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String prettyJson(Object value) throws Exception {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return new ObjectMapper().writer(printer).writeValueAsString(value);
    }

    private static void writePrivately(Path file, String token) throws Exception {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.write(file, token.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
    }
}
