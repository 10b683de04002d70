package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code cdc-sink demo} as the README's first command: the real jar, its exit code, its output, its clean-up. */
class DemoIT {
    private static final Pattern DATA_DIR = Pattern.compile("data directory (\\S+) \\(deleted at exit\\)");

    private static Process launch(Path log, String... args) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> demo = new ArrayList<>(List.of("demo"));
        demo.addAll(List.of(args));
        List<String> cmd = JarCommand.of("384m", demo);
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
