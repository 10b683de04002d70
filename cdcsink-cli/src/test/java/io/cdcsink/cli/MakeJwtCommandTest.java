package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.SchemaName;
import io.cdcsink.auth.JwtKeySet;
import io.cdcsink.auth.PublicKeyPem;
import io.cdcsink.auth.TokenVerifier;
import io.cdcsink.auth.TrustedKey;
import io.cdcsink.auth.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** make-jwt with keys made by openssl, its tokens checked by the authenticator's verifier. */
class MakeJwtCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MakeJwtCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cdc-sink: " + e.getMessage());
            return 1;
        });
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }

    private Verdict verify(Path publicPem, String token, SchemaName target) throws Exception {
        JwtKeySet keys = new JwtKeySet(List.of(new TrustedKey("k",
                PublicKeyPem.parse("k", Files.readString(publicPem)))), Set.of());
        return new TokenVerifier().verify(keys, target, token, Instant.now());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "EC P-256 SEC1 with EC PARAMETERS | ecparam -genkey -name prime256v1 -out key.pem | ES256",
            "EC P-384 PKCS#8 | genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out key.pem | ES384",
            "EC P-521 SEC1 | ecparam -genkey -noout -name secp521r1 -out key.pem | ES512",
            "RSA PKCS#1 | genrsa -traditional -out key.pem 2048 | RS256",
            "RSA PKCS#8 | genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem | RS256"})
    void roundTrip(String name, String generate, String alg) throws Exception {
        openssl(generate.split(" "));
        openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
        Path token = dir.resolve("out.jwt");
        Result r = run("-k", dir.resolve("key.pem").toString(), "-a", "ycsb.public", "-a", "other.*,x.y",
                "-o", token.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        String jwt = Files.readString(token);
        assertThat(jwt).doesNotEndWith("\n").matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
        JsonNode header = new ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
        assertThat(header.get("alg").asText()).isEqualTo(alg);

        Path pub = dir.resolve("pub.pem");
        assertThat(verify(pub, jwt, new SchemaName("ycsb", "public"))).isEqualTo(Verdict.ALLOWED);
        assertThat(verify(pub, jwt, new SchemaName("other", "anything"))).isEqualTo(Verdict.ALLOWED);
        assertThat(verify(pub, jwt, new SchemaName("x", "y"))).isEqualTo(Verdict.ALLOWED);
        assertThat(verify(pub, jwt, new SchemaName("ycsb", "private")).reason()).isEqualTo("schema");
    }

    @Test
    void pkcs1RsaPublicKeyVerifiesTokens() throws Exception {
        openssl("genrsa", "-out", "key.pem", "2048");
        openssl("rsa", "-in", "key.pem", "-RSAPublicKey_out", "-out", "pub.pem");
        assertThat(Files.readString(dir.resolve("pub.pem"))).contains("BEGIN RSA PUBLIC KEY");
        Result r = run("-k", dir.resolve("key.pem").toString(), "-a", "db.sch");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).endsWith("\n");
        assertThat(verify(dir.resolve("pub.pem"), r.out().trim(), new SchemaName("db", "sch")))
                .isEqualTo(Verdict.ALLOWED);
    }

    @Test
    void claimTemplateNeedsNoKey() throws Exception {
        Result r = run("-a", "database.schema", "--claim");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode claim = new ObjectMapper().readTree(r.out());
        assertThat(claim.get("iss").asText()).isEqualTo("cdc-sink");
        assertThat(UUID.fromString(claim.get("jti").asText()).version()).isEqualTo(4);
        assertThat(claim.get("https://github.com/cockroachdb/cdc-sink").toString())
                .isEqualTo("{\"schemas\":[[\"database\",\"schema\"]]}");
        assertThat(r.out()).startsWith("{\n  \"iss\": \"cdc-sink\",\n  \"jti\": ")
                .contains("\"schemas\": [\n      [\n        \"database\",\n        \"schema\"\n      ]\n    ]");
        assertThat(fieldNames(claim))
                .containsExactly("iss", "jti", "https://github.com/cockroachdb/cdc-sink");
    }

    @Test
    void errors() throws Exception {
        assertThat(run("-k", "x.pem").err()).contains("no schemas specified");
        assertThat(run("-a", "db").err()).contains("could not interpret \"db\" as a schema name");
        assertThat(run("-a", "a.b.c", "--claim").err()).contains("could not interpret \"a.b.c\"");
        assertThat(run("-a", "db.sch").err()).contains("no private key specified");
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", "key.pem");
        openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
        Result r = run("-a", "db.sch", "-k", dir.resolve("pub.pem").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("did not find a PEM private key");
        openssl("genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
        assertThat(run("-a", "db.sch", "-k", dir.resolve("ed.pem").toString()).err())
                .contains("is not supported; use an EC key on P-256 (ES256)");
    }

    /** The whole command line as users run it: one line on stderr, no stack trace, the exit code. */
    private static Result main(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(o, true));
            System.setErr(new java.io.PrintStream(e, true));
            int code = Main.execute(args);
            return new Result(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void userMistakesAreOneLineWithoutAStackTrace() throws Exception {
        openssl("ecparam", "-genkey", "-name", "secp256k1", "-noout", "-out", "k1.pem");
        openssl("genrsa", "-out", "short.pem", "1024");
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "good.pem");
        String missing = dir.resolve("missing.pem").toString();
        Object[][] cases = {
            {new String[] {"make-jwt", "-a", "db.sch", "-k", missing}, 1, "cdc-sink: -k: no such file: " + missing},
            {new String[] {"make-jwt", "-a", "db.sch", "-k", dir.toString()}, 1,
                "cdc-sink: -k: " + dir + " is a directory, not a PEM file"},
            {new String[] {"make-jwt", "-a", "db.sch", "-k", dir.resolve("k1.pem").toString()}, 1,
                "cdc-sink: -k " + dir.resolve("k1.pem") + ": an EC key on curve secp256k1 is not supported; use an"
                    + " EC key on P-256 (ES256), P-384 (ES384) or P-521 (ES512), or an RSA key of at least 2048 bits"
                    + " (RS256)"},
            {new String[] {"make-jwt", "-a", "db.sch", "-k", dir.resolve("short.pem").toString()}, 1,
                "cdc-sink: -k " + dir.resolve("short.pem") + ": an RSA key of 1024 bits is too short; use an EC key"},
            {new String[] {"make-jwt", "-a", "db.sch", "-k", dir.resolve("good.pem").toString(), "-o",
                dir.resolve("no/such/dir/token").toString()}, 1, "cdc-sink: -o " + dir.resolve("no/such/dir/token")
                    + ": no such directory: " + dir.resolve("no/such/dir")},
            {new String[] {"make-jwt", "-a", "db"}, 1, "cdc-sink: could not interpret \"db\" as a schema name"},
            {new String[] {"start", "--conn", "postgresql://x@127.0.0.1:1/x", "--logFormat", "bogus"}, 2,
                "cdc-sink: --logFormat: unknown log format \"bogus\"; choose text or fluent"},
            {new String[] {"start", "--conn", "postgresql://x@127.0.0.1:1/x", "--maxBodyBytes", "0"}, 1,
                "cdc-sink: --maxBodyBytes must be positive, was 0"},
            {new String[] {"start", "--conn", "postgresql://x@127.0.0.1:1/x", "--targetWriters", "0"}, 1,
                "cdc-sink: --targetWriters must be at least 1, was 0"},
        };
        for (Object[] c : cases) {
            Result r = main((String[]) c[0]);
            assertThat(r.code()).as(String.join(" ", (String[]) c[0]) + ": " + r.err()).isEqualTo(c[1]);
            assertThat(r.err().lines().toList()).as(String.join(" ", (String[]) c[0])).hasSize(1)
                    .first().asString().startsWith((String) c[2]);
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> all = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(all::add);
        return all;
    }
}
