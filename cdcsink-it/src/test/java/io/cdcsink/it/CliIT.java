package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.it.JarCommand.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line itself: subcommands, flag checking and the global logging flags. */
class CliIT {
    private static Run run(String... args) throws Exception {
        return JarCommand.run(Duration.ofSeconds(60), List.of(args));
    }

    @Test
    void versionPrintsBuildInformation() throws Exception {
        Run r = run("version");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("cdc-sink 0.1.0").contains("build 20").contains("runtime Java");
    }

    @Test
    void helpListsTheSpecsFlags() throws Exception {
        Run r = run("start", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("--bindAddr", "--conn", "--disableAuthentication", "--immediate",
                "--stagingDB", "--tlsCertificate", "--tlsPrivateKey", "--tlsSelfSigned", "--logFormat",
                "--logDestination", "--verbose", "(default \":26258\")");
    }

    @Test
    void startWithoutDisableAuthenticationUsesTokensInsteadOfRefusing() throws Exception {
        // JWT authentication is the default now: start goes on to the target (unreachable here) instead of refusing.
        // Requests with and without tokens are covered by SecurityEndToEndIT.
        Run r = run("start", "--conn", "postgresql://postgres@127.0.0.1:1/postgres?connectTimeout=1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).doesNotContain("--disableAuthentication").doesNotContain("authentication disabled")
                .contains("127.0.0.1:1");
    }

    @Test
    void reloadSignalsTheProcessOfThePidFile(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("cdc-sink.pid");
        Run missing = run("reload", "--pidFile", pid.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output().strip()).isEqualTo("cdc-sink: --pidFile: no such file: " + pid + "; is cdc-sink"
                + " running with --pidFile " + pid + "?");
        try (CdcSinkProcess p = CdcSinkProcess.start(io.cdcsink.testing.EmbeddedPg.shared().connectionString(),
                "reload", "--pidFile", pid.toString())) {
            assertThat(Files.readString(pid).strip()).isEqualTo(Long.toString(p.pid()));
            Run reload = run("reload", "--pidFile", pid.toString());
            assertThat(reload.exit()).as(reload.output()).isZero();
            assertThat(reload.output()).contains("sent SIGHUP to cdc-sink (process " + p.pid() + ")");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!p.logText().contains("reloading configuration due to SIGHUP")) {
                assertThat(System.nanoTime()).as("the reload is logged").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        assertThat(pid).as("removed when the process ends").doesNotExist();
        Files.writeString(pid, "999999999\n");
        assertThat(run("reload", "--pidFile", pid.toString()).output()).contains("names process 999999999, which is"
                + " not running");
    }

    @Test
    void makeJwtIsASubcommand() throws Exception {
        Run r = run("make-jwt", "-a", "db.public", "--claim");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("\"iss\": \"cdc-sink\"").contains("https://github.com/cockroachdb/cdc-sink");
        assertThat(run("make-jwt", "--claim").output()).contains("no schemas specified");
    }

    @Test
    void badFlagsAreNamed() throws Exception {
        assertThat(run("--logFormat", "xml", "version").output()).contains("--logFormat").contains("xml");
        Run bind = run("start", "--disableAuthentication", "--bindAddr", "nonsense");
        assertThat(bind.exit()).isNotZero();
        assertThat(bind.output()).contains("--bindAddr");
        Run conn = run("start", "--disableAuthentication", "--conn", "mysql://x");
        assertThat(conn.exit()).isNotZero();
        assertThat(conn.output()).contains("--conn");
        Run lonely = run("start", "--disableAuthentication", "--tlsCertificate", "/tmp/x.pem");
        assertThat(lonely.output()).contains("--tlsPrivateKey");
    }

    @Test
    void theProductionJarHasNoDemoAndSaysWhereItIs() throws Exception {
        assertThat(run("--help").output()).contains("start").doesNotContainPattern("(?m)^ +demo ");
        Run demo = run("demo", "--duration", "5s");
        assertThat(demo.exit()).isEqualTo(2);
        assertThat(demo.output().strip()).as("one line, no stack trace").doesNotContain("\n")
                .startsWith("cdc-sink: demo is not in this jar").contains("./cdc-sink demo");
        Run embedded = run("start", "--conn", "embedded", "--disableAuthentication");
        assertThat(embedded.exit()).isEqualTo(2);
        assertThat(embedded.output().strip()).as("one line, no stack trace").doesNotContain("\n")
                .startsWith("cdc-sink: --conn embedded is not in this jar").contains("cdc-sink-demo.jar");
    }

    @Test
    void fluentLogsAreJsonLinesInTheDestinationFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("cdc-sink.log");
        Run r = run("--logFormat", "fluent", "--logDestination", log.toString(), "start", "--disableAuthentication",
                "--conn", "postgresql://postgres@127.0.0.1:1/postgres?connectTimeout=1");
        assertThat(r.exit()).isEqualTo(1);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertThat(n.has("severity")).isTrue();
            assertThat(n.has("message")).isTrue();
            assertThat(n.path("timestamp").has("seconds")).isTrue();
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"severity\":\"ERROR\""));
    }
}
