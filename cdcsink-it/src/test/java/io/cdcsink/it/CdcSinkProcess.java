package io.cdcsink.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code cdc-sink} executable jar running in its own JVM, as users run it. */
final class CdcSinkProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private CdcSinkProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code cdc-sink start} on a free port with the given extra flags and waits until it is healthy. */
    static CdcSinkProcess start(String conn, String name, String... flags) throws Exception {
        int port = freePort();
        return launch(name, port, JarCommand.of("256m", startArgs(conn, port, List.of(flags))));
    }

    /**
     * Launches {@code cdc-sink start} on the given port without waiting for it to become healthy: a test that kills
     * and restarts it keeps one address for its clients.
     */
    static CdcSinkProcess startingOn(int port, String conn, String name, String... flags) throws Exception {
        return spawn(name, port, JarCommand.of("256m", startArgs(conn, port, List.of(flags))));
    }

    /**
     * Runs {@code java <jvm...> start ...} like {@link #start} but with a caller-built JVM command line (which ends in
     * {@code -jar <jar>}), e.g. to dump a class-data archive.
     */
    static CdcSinkProcess startWith(List<String> jvm, String conn) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(startArgs(conn, port, List.of()));
        return launch("jvm-" + port, port, cmd);
    }

    /**
     * Runs {@code java -jar cdc-sink.jar <args>} exactly as the {@code cdc-sink} launcher does, without the test
     * suite's start-up options (client JIT, serial collector, class-data archive): what a benchmark measures. Waits
     * until {@code /_/healthz} on {@code port} answers 200.
     */
    static CdcSinkProcess asUsersRunIt(String name, int port, List<String> args) throws Exception {
        return launch(name, port, asUsersRunItCommand(args));
    }

    /**
     * Like {@link #asUsersRunIt} but returns as soon as the JVM is launched: a benchmark that times the process from
     * its start (an initial load, which may run before the process reports healthy) waits for its own signal.
     */
    static CdcSinkProcess asUsersRunItStarting(String name, int port, List<String> args) throws Exception {
        return spawn(name, port, asUsersRunItCommand(args));
    }

    /** {@code java [-Dbench.sinkJvm options] -jar cdc-sink.jar <args>}: the command line of {@link #asUsersRunIt}. */
    static List<String> asUsersRunItCommand(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // -Dbench.sinkJvm="-XX:+PrintCompilation ..." adds options for a profile of the process.
        String extra = System.getProperty("bench.sinkJvm", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", JarCommand.jar().toString()));
        cmd.addAll(args);
        return cmd;
    }

    private static List<String> startArgs(String conn, int port, List<String> flags) {
        List<String> args = new ArrayList<>(List.of("start", "--conn", conn, "--bindAddr", "127.0.0.1:" + port,
                "--disableAuthentication", "-v"));
        args.addAll(flags);
        return args;
    }

    /**
     * Starts a logical-replication command ({@code pglogical}, {@code mylogical}) with {@code --metricsAddr} on a free
     * port and waits until {@code /_/healthz} answers 200.
     */
    static CdcSinkProcess logical(String command, String name, List<String> flags) throws Exception {
        return healthyOrKilled(logicalStarting(command, name, flags));
    }

    /** Like {@link #logical} but returns as soon as the JVM is launched, before it is healthy. */
    static CdcSinkProcess logicalStarting(String command, String name, List<String> flags) throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(command, "--metricsAddr", "127.0.0.1:" + port, "-v"));
        args.addAll(flags);
        return spawn(name, port, JarCommand.of("256m", args));
    }

    private static CdcSinkProcess launch(String name, int port, List<String> cmd) throws Exception {
        return healthyOrKilled(spawn(name, port, cmd));
    }

    /**
     * Waits up to a minute for the process to become healthy; one that does not is killed before the failure is
     * reported, so a failed start never leaves a JVM behind for the rest of the test run.
     */
    private static CdcSinkProcess healthyOrKilled(CdcSinkProcess proc) throws Exception {
        try {
            proc.awaitHealthy(Duration.ofSeconds(60));
            return proc;
        } catch (Exception | Error e) {
            proc.kill();
            throw e;
        }
    }

    private static CdcSinkProcess spawn(String name, int port, List<String> cmd) throws Exception {
        return spawn(name, port, new ProcessBuilder(cmd));
    }

    /**
     * Launches a caller-built process that serves on {@code port} (e.g. the release archive's {@code bin/cdc-sink}
     * with an environment of its own) and waits until it is healthy.
     */
    static CdcSinkProcess launched(String name, int port, ProcessBuilder builder) throws Exception {
        return healthyOrKilled(spawn(name, port, builder));
    }

    private static CdcSinkProcess spawn(String name, int port, ProcessBuilder builder) throws Exception {
        Path log = JarCommand.logs().resolve(name + "-" + port + ".log");
        Process p = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new CdcSinkProcess(p, port, log);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void awaitHealthy(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cdc-sink exited with " + process.exitValue() + ": " + logText());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/_/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("cdc-sink did not become healthy: " + logText());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The operating-system process id of the cdc-sink JVM (for sending signals). */
    long pid() {
        return process.pid();
    }

    /** The command line the process runs, as the operating system reports it (empty if it does not say). */
    List<String> commandLine() {
        ProcessHandle.Info info = process.toHandle().info();
        List<String> line = new ArrayList<>();
        info.command().ifPresent(line::add);
        info.arguments().ifPresent(a -> line.addAll(List.of(a)));
        return line;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGHUP: cdc-sink reloads its configuration. */
    void hangUp() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -HUP " + process.pid() + " failed");
        }
    }

    /** SIGKILL: the process gets no chance to clean up. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait: a graceful stop. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** What the process wrote to stdout and stderr so far. */
    String output() throws IOException {
        return java.nio.file.Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
