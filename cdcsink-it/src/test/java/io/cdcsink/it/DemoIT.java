package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc-sink demo} as the README's first command and {@code start --conn embedded} as its way to try the real
 * endpoint: the real demo jar, its exit code, its output, its clean-up.
 */
class DemoIT {
    private static final Pattern DATA_DIR = Pattern.compile("data directory (\\S+) \\(deleted at exit\\)");
    private static final Pattern EMBEDDED_PORT =
            Pattern.compile("started an embedded PostgreSQL target: postgresql://postgres@127\\.0\\.0\\.1:(\\d+)/");

    private static Process launch(Path log, String... args) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> demo = new ArrayList<>(List.of("demo"));
        demo.addAll(List.of(args));
        List<String> cmd = JarCommand.ofDemo("384m", demo);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Path log(String name) {
        return Path.of(System.getProperty("cdcsink.logs", "target/process-logs"), name + "-"
                + System.nanoTime() + ".log");
    }

    @Test
    void aShortDemoReplicatesThroughBothPathsAndVerifies() throws Exception {
        Path log = log("demo");
        Process p = launch(log, "--duration", "5s", "--rate", "50");
        assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("demo finished: %s", text(log)).isTrue();
        String out = text(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("RESULT: OK - both targets equal the source")
                .containsPattern("webhook +accounts: \\d+ rows, md5 \\w+ {2}= source")
                .containsPattern("pglogical +accounts: \\d+ rows, md5 \\w+ {2}= source")
                .containsPattern("\\d+s {2}source +\\d+ tx/s \\| webhook +\\d+ rows/s");
        Path dir = dataDirectory(out);
        assertThat(dir).doesNotExist();
        assertThat(postgresProcessesUsing(dir)).isEmpty();
    }

    @Test
    void aStoppedDemoStopsItsServersAndRemovesItsData() throws Exception {
        Path log = log("demo-stopped");
        Process p = launch(log, "--duration", "10m");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!text(log).contains("source ") || !text(log).contains("tx/s")) {
            assertThat(p.isAlive()).as("demo running: %s", text(log)).isTrue();
            assertThat(System.nanoTime()).as("progress printed: %s", text(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
        Path dir = dataDirectory(text(log));
        assertThat(postgresProcessesUsing(dir)).as("the demo's servers run").isNotEmpty();
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped promptly: %s", text(log)).isTrue();
        assertThat(text(log)).contains("interrupted: stopping").contains("removed " + dir);
        assertThat(postgresProcessesUsing(dir)).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void startWithAnEmbeddedTargetAppliesWhatIsPostedAndStopsTheServerWithIt() throws Exception {
        String jdbc;
        try (CdcSinkProcess p = CdcSinkProcess.startWith(JarCommand.ofDemo("256m", List.of()), "embedded")) {
            Matcher m = EMBEDDED_PORT.matcher(p.logText());
            assertThat(m.find()).as("connection string logged: %s", p.logText()).isTrue();
            jdbc = "jdbc:postgresql://127.0.0.1:" + m.group(1) + "/postgres?user=postgres";
            try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE public.usertable (ycsb_key TEXT PRIMARY KEY, field0 TEXT)");
            }
            Http http = new Http();
            assertThat(http.post(p.uri("/postgres/public"), "{\"payload\":[{\"after\":{\"ycsb_key\":\"k1\","
                    + "\"field0\":\"a\"},\"key\":[\"k1\"],\"topic\":\"usertable\","
                    + "\"updated\":\"1700000000000000000.0000000000\"}],\"length\":1}").status()).isEqualTo(200);
            assertThat(http.post(p.uri("/postgres/public"), "{\"resolved\":\"1700000001000000000.0000000000\"}")
                    .status()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"a".equals(field0OfK1(jdbc))) {
                assertThat(System.nanoTime()).as("row applied: %s", p.logText()).isLessThan(deadline);
                Thread.sleep(100);
            }
            p.stop();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(jdbc).close()).as("the embedded target stopped")
                .isInstanceOf(SQLException.class);
    }

    private static String field0OfK1(String jdbc) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT field0 FROM public.usertable WHERE ycsb_key = 'k1'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Path dataDirectory(String out) {
        Matcher m = DATA_DIR.matcher(out);
        assertThat(m.find()).as("data directory printed: %s", out).isTrue();
        return Path.of(m.group(1));
    }

    /** The postmaster processes whose command line names a data directory below {@code dir}. */
    private static List<ProcessHandle> postgresProcessesUsing(Path dir) {
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                .map(c -> c.contains("postgres") && c.contains(dir.toString())).orElse(false)).toList();
    }

    private static String text(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
