package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code java ... -jar cdc-sink.jar} command line every end-to-end test launches the real executable with.
 *
 * <p>Well over a hundred short-lived cdc-sink JVMs start during the suite, on two cores shared with the databases.
 * Three JVM options keep start-up cheap: the client JIT, the serial collector and an application class-data archive
 * (AppCDS). The archive is dumped once per test JVM by a cdc-sink that starts against the shared PostgreSQL, becomes
 * healthy and stops gracefully; every later launch maps the classes it loaded instead of reading and verifying them
 * from the jar again (about 3.5 s to 1.2 s for {@code --help} on this machine, with the 48 MB jar of the time). If
 * the archive cannot be made or mapped the tests run without it, only slower.
 */
final class JarCommand {
    private static Optional<Path> archive;

    private JarCommand() {
    }

    /** The executable jar under test. */
    static Path jar() {
        return existing(System.getProperty("cdcsink.jar", "../cdcsink-cli/target/cdc-sink.jar"));
    }

    /** The demo jar: the same command line plus {@code demo}, {@code --conn embedded} and a PostgreSQL server. */
    static Path demoJar() {
        return existing(System.getProperty("cdcsink.demo.jar", "../cdcsink-demo/target/cdc-sink-demo.jar"));
    }

    private static Path existing(String path) {
        Path jar = Path.of(path);
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the executable jar " + jar + " is missing: run mvn package first");
        }
        return jar;
    }

    /** Where launched processes write their logs. */
    static Path logs() throws IOException {
        Path logs = Path.of(System.getProperty("cdcsink.logs", "target/process-logs"));
        Files.createDirectories(logs);
        return logs;
    }

    /** {@code java -Xmx<heap> <start-up options> -jar cdc-sink.jar <args>}. */
    static List<String> of(String heap, List<String> args) {
        List<String> cmd = base(heap);
        archive().ifPresent(a -> cmd.add("-XX:SharedArchiveFile=" + a));
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(args);
        return cmd;
    }

    static List<String> of(String heap, String... args) {
        return of(heap, List.of(args));
    }

    /** What a command that runs to its end printed (stdout and stderr together) and its exit code. */
    record Run(int exit, String output) {
    }

    /** Runs {@code cdc-sink <args>} at {@code -Xmx256m} to its end, which must come within {@code timeout}. */
    static Run run(Duration timeout, List<String> args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(of("256m", args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("cdc-sink %s ended", args).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** {@link #run(Duration, List)} within two minutes. */
    static Run run(String... args) throws IOException, InterruptedException {
        return run(Duration.ofMinutes(2), List.of(args));
    }

    /** {@code java -Xmx<heap> <start-up options> -jar cdc-sink-demo.jar <args>}: no archive, it maps the other jar. */
    static List<String> ofDemo(String heap, List<String> args) {
        List<String> cmd = base(heap);
        cmd.add("-jar");
        cmd.add(demoJar().toString());
        cmd.addAll(args);
        return cmd;
    }

    private static List<String> base(String heap) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    }

    private static synchronized Optional<Path> archive() {
        if (archive == null) {
            archive = dumpArchive();
        }
        return archive;
    }

    private static Optional<Path> dumpArchive() {
        try {
            Path file = logs().resolve("cdc-sink-" + ProcessHandle.current().pid() + ".jsa").toAbsolutePath();
            Files.deleteIfExists(file);
            List<String> cmd = base("256m");
            cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + file, "-jar", jar().toString()));
            try (CdcSinkProcess p = CdcSinkProcess.startWith(cmd, EmbeddedPg.shared().connectionString())) {
                Http http = new Http();
                http.get(p.uri("/_/varz"));
                http.get(p.uri("/_/status"));
                p.stop();
            }
            if (!Files.exists(file) || !mapsCleanly(file)) {
                System.err.println("no class-data archive at " + file + ": launching cdc-sink without one");
                return Optional.empty();
            }
            return Optional.of(file);
        } catch (Exception e) {
            System.err.println("no class-data archive (" + e + "): launching cdc-sink without one");
            return Optional.empty();
        }
    }

    /** {@code -Xshare:on} refuses to start unless the archive maps: proof that later launches will use it. */
    private static boolean mapsCleanly(Path file) throws Exception {
        List<String> cmd = base("64m");
        cmd.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + file, "-jar", jar().toString(), "version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("cdc-sink");
    }
}
