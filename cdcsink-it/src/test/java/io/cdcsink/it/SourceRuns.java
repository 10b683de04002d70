package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The measured runs of the changefeed-source benchmarks ({@link KafkaSourceBench}, {@link ObjstoreSourceBench}):
 * a plain program (the reference, a {@code main} of these test classes) or the real cdc-sink jar, each in a JVM of
 * its own launched by the benchmark, timed from its launch until the target table {@code t} holds every row
 * ({@link TargetWriteReference#awaitRows}), then checked row by row ({@link TargetWriteReference#verify}). CPU time
 * from {@code /proc}: the launched JVM, every process of the target server, and the benchmark's own JVM (where the
 * Kafka broker runs).
 */
final class SourceRuns {
    /**
     * One run: wall seconds from launch until the target held every row; CPU seconds of the launched JVM, of the
     * target server and of this JVM over the same span; the launched JVM's CPU by thread group (cdc-sink only).
     */
    record Run(String what, double seconds, double firstRow, double processCpu, double targetCpu, double benchCpu,
               Map<String, Double> threads) {
        String line(long rows) {
            return String.format("%s: %.2f s, %,.0f rows/s (first row in the target after %.2f s, %,.0f rows/s from"
                            + " then on); CPU per row: its JVM %.2f us, target server %.2f us, bench JVM %.2f us",
                    what, seconds, rows / seconds, firstRow, rows / (seconds - firstRow), processCpu * 1e6 / rows,
                    targetCpu * 1e6 / rows, benchCpu * 1e6 / rows);
        }
    }

    private SourceRuns() {
    }

    /**
     * {@code java -cp <this JVM's class path> <main> <args>}: a plain program of the test sources in a cold JVM of
     * its own, with the JVM's defaults, as cdc-sink is launched.
     */
    static List<String> plainJvm(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Launches the reference, waits until {@code t} of {@code db} holds rows 1..{@code rows}, then for the program to
     * exit (with 0); its CPU is that of a reaped child of this JVM.
     */
    static Run reference(String what, EmbeddedPg target, String db, int rows, List<String> cmd) throws Exception {
        File log = JarCommand.logs().resolve("reference-" + db + ".log").toFile();
        Map<Integer, Double> target0 = CpuMeter.server(target);
        double children0 = CpuMeter.reapedChildren();
        double bench0 = CpuMeter.self();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        double[] seconds;
        try {
            seconds = awaitRows(target, db, rows, start, p, log.toPath());
        } finally {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        }
        double bench = CpuMeter.self() - bench0;
        double targetCpu = CpuMeter.between(target0, CpuMeter.server(target));
        double cpu = CpuMeter.reapedChildren() - children0;
        assertThat(p.exitValue()).as("%s exit code; output:%n%s", what, Files.readString(log.toPath())).isZero();
        TargetWriteReference.verify(target, db, rows);
        CpuMeter.settle(target);
        return new Run(what, seconds[1], seconds[0], cpu, targetCpu, bench, Map.of());
    }

    /**
     * Launches {@code java -jar cdc-sink.jar <args>} as users run it, waits until {@code t} of {@code db} holds rows
     * 1..{@code rows}, reads its CPU, then stops it (SIGTERM).
     */
    static Run ours(String what, String name, EmbeddedPg target, String db, int rows, List<String> args)
            throws Exception {
        int port = CdcSinkProcess.freePort();
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--metricsAddr", "127.0.0.1:" + port));
        Map<Integer, Double> target0 = CpuMeter.server(target);
        double bench0 = CpuMeter.self();
        long start = System.nanoTime();
        Run run;
        try (CdcSinkProcess p = CdcSinkProcess.asUsersRunItStarting(name + "-" + db, port, all)) {
            double[] seconds = awaitRows(target, db, rows, start, null, null);
            // Read before the process stops, which ends its connections and their backends.
            double cpu = CpuMeter.process(p.pid());
            Map<String, Double> threads = CpuMeter.groupsBetween(Map.of(), CpuMeter.threads(p.pid()));
            double bench = CpuMeter.self() - bench0;
            double targetCpu = CpuMeter.between(target0, CpuMeter.server(target));
            assertThat(p.isAlive()).as("cdc-sink still running").isTrue();
            run = new Run(what, seconds[1], seconds[0], cpu, targetCpu, bench, threads);
            assertThat(p.stop()).as("cdc-sink exit code after SIGTERM").isIn(0, 143);
        }
        TargetWriteReference.verify(target, db, rows);
        CpuMeter.settle(target);
        return run;
    }

    /**
     * Seconds from {@code start} until {@code t} of {@code db} held its first row, and until it held all of them
     * ({@link TargetWriteReference#awaitRows}); failing soon when the reference program exits before the rows are
     * there.
     */
    private static double[] awaitRows(EmbeddedPg target, String db, int rows, long start, Process reference,
                                      Path log) throws Exception {
        if (reference == null) {
            double first = awaitFirstRow(target, db, start);
            return new double[] {first, TargetWriteReference.awaitRows(target, db, rows, rows, start)};
        }
        // The reference exits once it has read to the end of the topic or directory: after that, one last look.
        Thread watcher = Thread.currentThread();
        Thread exit = new Thread(() -> {
            try {
                reference.waitFor();
                Thread.sleep(2_000);
                watcher.interrupt();
            } catch (InterruptedException done) {
                // The rows arrived first.
            }
        });
        exit.setDaemon(true);
        exit.start();
        try {
            double first = awaitFirstRow(target, db, start);
            return new double[] {first, TargetWriteReference.awaitRows(target, db, rows, rows, start)};
        } catch (InterruptedException e) {
            throw new AssertionError("the reference exited with " + reference.exitValue() + " before the target"
                    + " held every row; output:\n" + Files.readString(log), e);
        } finally {
            exit.interrupt();
            exit.join();
            Thread.interrupted();
        }
    }

    /** Seconds from {@code start} until {@code t} of {@code db} holds a row (a look by {@code LIMIT 1} every 20 ms). */
    private static double awaitFirstRow(EmbeddedPg target, String db, long start) throws Exception {
        long deadline = start + Duration.ofMinutes(30).toNanos();
        try (Connection c = target.dataSource(db).getConnection();
             PreparedStatement any = c.prepareStatement("SELECT 1 FROM t LIMIT 1")) {
            while (true) {
                try (ResultSet rs = any.executeQuery()) {
                    if (rs.next()) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                }
                assertThat(System.nanoTime()).as("a first row within 30 minutes").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    /** Ours' ratio of wall time to the reference's, with its rows/s: {@code "1.23x (456,789 rows/s)"}. */
    static String ratio(Run ours, Run reference, long rows) {
        return String.format("%.2fx (%,.0f rows/s)", ours.seconds() / reference.seconds(), rows / ours.seconds());
    }
}
