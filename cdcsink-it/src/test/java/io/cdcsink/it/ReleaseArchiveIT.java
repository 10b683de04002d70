package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator uses it: cdc-sink-VERSION.tar.gz, built by the normal build (cdcsink-dist),
 * unpacked into an empty directory and run through {@code bin/cdc-sink} with a bare environment (a Java runtime, no
 * Maven, an empty HOME). {@code version} runs (the first launch: it makes the class-data archive the later ones
 * map); {@code start} takes its connection string, password included, from {@code CDC_SINK_CONN} and logs it masked;
 * a changefeed loads it, SIGTERM stops it mid-load with exit 0 within the default {@code --shutdownTimeout}; a
 * restart of the same archive drains what the feed retries, and the target ends equal to the feed, row by row.
 */
class ReleaseArchiveIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final EmbeddedPg target = EmbeddedPg.shared();

    @TempDir
    Path dir;

    private static String version() {
        return System.getProperty("cdcsink.version", "0.1.0-SNAPSHOT");
    }

    private static Path archive() {
        Path archive = Path.of(System.getProperty("cdcsink.archive",
                "../cdcsink-dist/target/cdc-sink-" + version() + ".tar.gz"));
        assertThat(archive).as("the release archive: run mvn package first").exists();
        return archive;
    }

    /** Unpacks the archive into the empty directory with the system's tar, as an operator does. */
    private Path unpack() throws Exception {
        Process tar = new ProcessBuilder("tar", "xzf", archive().toAbsolutePath().toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar xzf: %s", out).isTrue();
        return dir.resolve("cdc-sink-" + version());
    }

    /**
     * {@code bin/cdc-sink <args>} with only a Java runtime in the environment (JAVA_HOME, a PATH of system
     * directories, an empty HOME), plus {@code environment}.
     */
    private ProcessBuilder command(Path home, Map<String, String> environment, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/cdc-sink").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile());
        b.environment().clear();
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("PATH", "/usr/bin:/bin");
        b.environment().put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        // Quicker start-up on the shared 2-core machine; no heap option, so the launcher's defaults apply.
        b.environment().put("CDC_SINK_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        b.environment().putAll(environment);
        return b;
    }

    /** {@code bin/cdc-sink version} with this environment: exit 0, the version and nothing else printed. */
    private void version(Path home, Map<String, String> environment) throws Exception {
        Process p = command(home, environment, "version").redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", environment, printed).isZero();
        assertThat(printed).as("%s", environment).startsWith("cdc-sink " + version() + "\n")
                .doesNotContain("warning");
    }

    private static List<String> files(Path dir) throws Exception {
        try (var listed = Files.list(dir)) {
            return listed.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The class-data archive only makes starts faster: {@code CDC_SINK_CDS=off} keeps no cache, a cache that cannot
     * be created or whose path has a blank means no archive, a later launch maps the first one's archive (nothing new
     * is written), a jar replaced in place gets a new archive instead of the old one, and a training run the JVM
     * refuses ({@code -Xshare:off}) leaves a marker so later launches do not train again. The command runs the same
     * in every case.
     */
    @Test
    void theClassDataArchiveIsOnlyAnOptimisation() throws Exception {
        Path home = unpack();
        Path off = dir.resolve("off");
        version(home, Map.of("CDC_SINK_CDS", "off", "CDC_SINK_CACHE", off.toString()));
        assertThat(off).as("no cache with CDC_SINK_CDS=off").doesNotExist();

        Path blocked = Files.writeString(dir.resolve("blocked"), "a file where the cache's parent should be");
        version(home, Map.of("CDC_SINK_CACHE", blocked.resolve("cache").toString()));

        Path blank = dir.resolve("with blank");
        version(home, Map.of("CDC_SINK_CACHE", blank.toString()));
        assertThat(blank).as("no archive in a path with a blank").doesNotExist();

        Path cache = dir.resolve("cache");
        version(home, Map.of("CDC_SINK_CACHE", cache.toString()));
        List<String> made = files(cache);
        version(home, Map.of("CDC_SINK_CACHE", cache.toString()));
        assertThat(files(cache)).as("the second launch reuses the archive").isEqualTo(made);
        Path jar = home.resolve("lib/cdc-sink.jar");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() - 60_000));
        version(home, Map.of("CDC_SINK_CACHE", cache.toString()));
        assertThat(files(cache)).as("a jar replaced in place: a new archive replaces the old one").hasSize(1)
                .doesNotContainAnyElementsOf(made);

        Path refused = dir.resolve("refused");
        Map<String, String> noSharing = Map.of("CDC_SINK_CACHE", refused.toString(), "CDC_SINK_JAVA_OPTS",
                "-Xshare:off -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        version(home, noSharing);
        assertThat(files(refused)).as("a refused training leaves its marker only").singleElement().asString()
                .endsWith(".jsa.failed");
        version(home, noSharing);
        assertThat(files(refused)).hasSize(1);
    }

    /**
     * Every class file in the launcher jar is a Java 6 or later class file: the JVM leaves older ones (picocli is
     * compiled for Java 5) out of a class-data archive, and every class linked against one, so the build rewrites
     * them (cdcsink-cli/src/build/ClassFileUpgrade.java). Each is loaded here too, which verifies its stack-map
     * frames.
     */
    @Test
    void everyClassOfTheLauncherJarCanGoIntoTheClassDataArchive() throws Exception {
        Path jar = unpack().resolve("lib/cdc-sink.jar");
        List<String> old = new ArrayList<>();
        List<String> rewritten = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (var entry : (Iterable<java.util.jar.JarEntry>) file.stream()::iterator) {
                if (!entry.getName().endsWith(".class") || entry.getName().contains("module-info")) {
                    continue;
                }
                byte[] head = file.getInputStream(entry).readNBytes(8);
                int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
                if (major < 50) {
                    old.add(entry.getName() + " (" + major + ")");
                }
                if (entry.getName().startsWith("picocli/")) {
                    rewritten.add(entry.getName().substring(0, entry.getName().length() - 6).replace('/', '.'));
                }
            }
        }
        assertThat(old).as("pre-Java-6 class files in %s", jar).isEmpty();
        assertThat(rewritten).as("picocli's classes, rewritten by the build").hasSizeGreaterThan(100);
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : rewritten) {
                // initialize = true links the class, which verifies it against its stack-map frames
                Class.forName(name, true, loader);
            }
        }
    }

    @Test
    void unpackedArchiveRunsVersionAndStartFromTheEnvironmentAndStopsCleanlyMidLoad() throws Exception {
        Path home = unpack();
        for (String file : List.of("bin/cdc-sink", "lib/cdc-sink.jar", "lib/cds.sh", "conf/logback.xml", "LICENSE",
                "NOTICE", "README.md")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(Files.isExecutable(home.resolve("bin/cdc-sink"))).isTrue();
        assertThat(Files.readString(home.resolve("README.md"))).startsWith("# cdc-sink " + version());
        try (JarFile jar = new JarFile(home.resolve("lib/cdc-sink.jar").toFile())) {
            assertThat(jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("io/zonky") || n.endsWith(".txz") || n.startsWith("io/cdcsink/demo")))
                    .as("the demo's database binaries and classes").isEmpty();
        }

        Process version = command(home, Map.of(), "version").redirectErrorStream(true).start();
        String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).as(printed).isZero();
        assertThat(printed).startsWith("cdc-sink " + version() + "\n").contains("runtime Java")
                .doesNotContain("warning");
        // The first launch made the class-data archive (in the empty HOME's cache) that the launches below map; a
        // Java runtime without a base archive cannot make one, and the launcher notes that instead of retrying.
        boolean canDump = Files.exists(Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa"));
        try (var cached = Files.list(dir.resolve("home/.cache/cdc-sink"))) {
            assertThat(cached.map(p -> p.getFileName().toString()))
                    .as("one class-data archive (or its failure), no training leftovers").singleElement().asString()
                    .endsWith(canDump ? ".jsa" : ".jsa.failed");
        }

        String db = target.freshDatabase("archive");
        String role = db + "_app";
        String password = "pw-" + Long.toHexString(System.nanoTime());
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + password + "'");
        }
        StopUnderLoad.bankFeedTables(target.dataSource(db));
        String conn = "postgresql://" + role + ":" + password + "@localhost:" + target.port() + "/" + db
                + "?sslmode=disable";
        int port = CdcSinkProcess.freePort();
        Map<String, String> environment = Map.of("CDC_SINK_CONN", conn, "CDC_SINK_DISABLE_AUTHENTICATION", "true");
        long seed = KillStorm.seed(909);
        List<List<String>> launched = new ArrayList<>();
        StopUnderLoad.Result result = StopUnderLoad.webhook("archive webhook", db, seed, port, () -> {
            CdcSinkProcess p = CdcSinkProcess.launched("archive", port,
                    command(home, environment, "start", "--bindAddr", "127.0.0.1:" + port));
            launched.add(p.commandLine());
            return p;
        }, target.dataSource(db), 1, BOUND);
        System.out.printf("release archive: seed=%d stop exit=%d took=%d ms transfers=%d rows compared=%d%n", seed,
                result.stop().exit(), result.stop().took().toMillis(), result.transfers(), result.rowsCompared());
        assertThat(result.stop().exit()).as("exit code on SIGTERM mid-load").isZero();
        assertThat(result.stop().took()).as("time from SIGTERM to exit").isLessThan(BOUND);
        assertThat(result.transfers()).isGreaterThan(100);

        String log = result.stoppedLog();
        assertThat(log).contains("configuration of cdc-sink start: ")
                .contains("--conn=postgresql://" + role + ":****@localhost:" + target.port() + "/" + db
                        + "?sslmode=disable [CDC_SINK_CONN]")
                .contains("--disableAuthentication=true [CDC_SINK_DISABLE_AUTHENTICATION]")
                .contains("SIGTERM: stopping").contains("replicator stopped").doesNotContain(password);
        // The launcher's container defaults, on the command line of the JVM it ran.
        List<String> jvm = launched.get(0);
        assertThat(jvm).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "io.cdcsink.cli.Main")
                .contains(home.resolve("lib").toRealPath() + "/*");
    }
}
