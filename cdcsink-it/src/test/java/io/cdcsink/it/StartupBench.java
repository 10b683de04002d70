package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #32, start-up: the release archive's {@code bin/cdc-sink} launched as users launch it (a fresh process each
 * time, an unpacked archive, a bare environment), with its class-data archive and without it
 * ({@code CDC_SINK_CDS=off}), beside {@code java -jar cdc-sink.jar}.
 * <ul>
 *     <li>{@code cdc-sink version}: wall time from launch to exit, and the process's CPU;</li>
 *     <li>launch to first applied row: {@code start --immediate} with a sender posting a one-row webhook batch as
 *     soon as the port accepts, and {@code pglogical} with one row committed behind its slot; the clock runs from
 *     the launch until a poll of the target (every 2 ms) sees the row.</li>
 * </ul>
 * The first launch with an empty cache makes the class-data archive (its time is reported apart). Medians of
 * {@code -Dbench.runs} launches each (default 10). A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=StartupBench [-Dbench.runs=10]")
class StartupBench {
    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();
    private final int runs = Integer.getInteger("bench.runs", 10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @Test
    void versionAndFirstRow() throws Exception {
        Path home = unpack();
        Path cache = dir.resolve("cache");
        List<String> plainJar = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JarCommand.jar().toAbsolutePath().toString()));
        List<String> launcher = List.of(home.resolve("bin/cdc-sink").toString());
        Map<String, String> off = Map.of("CDC_SINK_CDS", "off");
        Map<String, String> on = Map.of("CDC_SINK_CACHE", cache.toString());

        // The first launch with an empty cache trains and writes the archive, then runs the command with it.
        Timed first = version(launcher, on);
        try (var files = Files.list(cache)) {
            assertThat(files.filter(f -> f.toString().endsWith(".jsa")).count()).as("archives made").isEqualTo(1);
        }
        System.out.printf("BENCH start-up: first launch (makes the class-data archive) `cdc-sink version` %.2f s,"
                + " CPU %.2f s%n", first.seconds(), first.cpu());
        report("version", "java -jar cdc-sink.jar", versions(plainJar, Map.of()));
        report("version", "bin/cdc-sink, CDC_SINK_CDS=off", versions(launcher, off));
        report("version", "bin/cdc-sink (class-data archive)", versions(launcher, on));

        report("first row, webhook start --immediate", "bin/cdc-sink, CDC_SINK_CDS=off",
                firstRows(launcher, off, true));
        report("first row, webhook start --immediate", "bin/cdc-sink (class-data archive)",
                firstRows(launcher, on, true));
        report("first row, pglogical", "bin/cdc-sink, CDC_SINK_CDS=off", firstRows(launcher, off, false));
        report("first row, pglogical", "bin/cdc-sink (class-data archive)", firstRows(launcher, on, false));
    }

    /** One launch's wall time and the CPU seconds its processes spent (the launcher's shell and its java). */
    private record Timed(double seconds, double cpu) {
    }

    private static void report(String what, String how, List<Timed> runs) {
        List<Double> walls = new ArrayList<>(runs.stream().map(Timed::seconds).toList());
        List<Double> cpus = new ArrayList<>(runs.stream().map(Timed::cpu).toList());
        Collections.sort(walls);
        Collections.sort(cpus);
        System.out.printf("BENCH start-up: %s, %s: median %.3f s (min %.3f, max %.3f, %d launches), CPU median"
                        + " %.2f s%n", what, how, Ratios.median(walls), walls.get(0), walls.get(walls.size() - 1),
                walls.size(), Ratios.median(cpus));
    }

    private List<Timed> versions(List<String> command, Map<String, String> environment) throws Exception {
        version(command, environment); // not counted: the page cache holds the jar after it, as in the others
        List<Timed> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            out.add(version(command, environment));
        }
        return out;
    }

    private Timed version(List<String> command, Map<String, String> environment) throws Exception {
        List<String> cmd = new ArrayList<>(command);
        cmd.add("version");
        ProcessBuilder b = bare(cmd, environment).redirectErrorStream(true);
        double cpu0 = CpuMeter.reapedChildren();
        long start = System.nanoTime();
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("printed only the version").startsWith("cdc-sink ").doesNotContain("warning");
        return new Timed(seconds, CpuMeter.reapedChildren() - cpu0);
    }

    private List<Timed> firstRows(List<String> command, Map<String, String> environment, boolean webhook)
            throws Exception {
        firstRow(command, environment, webhook); // not counted, as above
        List<Timed> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            out.add(firstRow(command, environment, webhook));
        }
        return out;
    }

    /** Launches, delivers one row, stops the clock when the target shows it, then stops the process. */
    private Timed firstRow(List<String> command, Map<String, String> environment, boolean webhook) throws Exception {
        String db = target.freshDatabase("first");
        target.exec(db, "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
        int port = CdcSinkProcess.freePort();
        List<String> cmd = new ArrayList<>(command);
        String src = null;
        if (webhook) {
            cmd.addAll(List.of("start", "--conn", conn(target, db), "--immediate", "--bindAddr",
                    "127.0.0.1:" + port, "--disableAuthentication"));
        } else {
            src = source.freshDatabase("firstsrc");
            source.exec(src, "CREATE TABLE t (k INT PRIMARY KEY, v TEXT)", "CREATE PUBLICATION p FOR TABLE t",
                    "SELECT pg_create_logical_replication_slot('s_" + src + "', 'pgoutput')",
                    "INSERT INTO t VALUES (1, 'v1')");
            cmd.addAll(List.of("pglogical", "--sourceConn", conn(source, src), "--targetConn",
                    conn(target, "postgres"), "--targetDB", db, "--publicationName", "p", "--slotName",
                    "s_" + src));
        }
        Path log = dir.resolve("first-" + db + ".log");
        ProcessBuilder b = bare(cmd, environment).redirectErrorStream(true).redirectOutput(log.toFile());
        double cpu0 = CpuMeter.reapedChildren();
        long start = System.nanoTime();
        Process p = b.start();
        try {
            long deadline = start + Duration.ofSeconds(60).toNanos();
            boolean posted = !webhook;
            try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
                while (true) {
                    assertThat(System.nanoTime()).as("first row within 60 s; %s", Files.readString(log))
                            .isLessThan(deadline);
                    assertThat(p.isAlive()).as("running; %s", Files.readString(log)).isTrue();
                    if (!posted) {
                        posted = post(URI.create("http://127.0.0.1:" + port + "/" + db + "/public"),
                                ChangefeedBodies.rows(1, 1, 1_000));
                    } else if (holdsRow(s)) {
                        break;
                    } else {
                        Thread.sleep(2);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Timed timed = new Timed(seconds, CpuMeter.reapedChildren() - cpu0);
            if (src != null) {
                dropSlot(src); // the server has room for 20
            }
            return timed;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Drops the database's slot once its walsender has gone (it ends with the process, a moment later). */
    private static void dropSlot(String src) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                source.exec(src, "SELECT pg_drop_replication_slot('s_" + src + "')");
                return;
            } catch (SQLException stillActive) {
                assertThat(System.nanoTime()).as("slot dropped: %s", stillActive.getMessage()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static String conn(EmbeddedPg pg, String db) {
        return "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
    }

    private boolean post(URI hook, String body) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(hook).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
            return r.statusCode() == 200;
        } catch (IOException notListening) {
            Thread.sleep(2);
            return false;
        }
    }

    private static boolean holdsRow(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE k = 1")) {
            return rs.next() && "v1".equals(rs.getString(1));
        }
    }

    /** The command with a bare environment (a Java runtime, a PATH of system directories, an empty HOME). */
    private ProcessBuilder bare(List<String> cmd, Map<String, String> environment) throws IOException {
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile());
        b.environment().clear();
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("PATH", "/usr/bin:/bin");
        b.environment().put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        b.environment().putAll(environment);
        return b;
    }

    private Path unpack() throws Exception {
        String version = System.getProperty("cdcsink.version", "0.1.0-SNAPSHOT");
        Path archive = Path.of(System.getProperty("cdcsink.archive",
                "../cdcsink-dist/target/cdc-sink-" + version + ".tar.gz"));
        Process tar = new ProcessBuilder("tar", "xzf", archive.toAbsolutePath().toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar xzf: %s", out).isTrue();
        return dir.resolve("cdc-sink-" + version);
    }
}
