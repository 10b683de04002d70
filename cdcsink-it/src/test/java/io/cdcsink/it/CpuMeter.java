package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedPg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by the parts of a benchmark run, read from Linux's {@code /proc}: this JVM, and every process of an
 * embedded PostgreSQL server (the children of its postmaster: backends, WAL senders, apply workers, autovacuum).
 * On a shared 2-core machine wall time says how long a run took; CPU time says which part did the work. A backend
 * that exits between two readings is still counted: the postmaster reaps it, and the kernel adds its time to the
 * postmaster's children's time, which {@link #server} includes.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuMeter() {
    }

    /** CPU seconds so far of this JVM (all threads, GC and JIT included). */
    static double self() {
        return seconds(read(Path.of("/proc/self/stat")));
    }

    /**
     * CPU seconds so far of this JVM's threads, by thread id, each under its group: the JIT compilers, the garbage
     * collector, or the thread's name without trailing digits (Linux keeps the first 15 characters of a name).
     */
    static Map<Integer, Map.Entry<String, Double>> threads() {
        return threads("self");
    }

    /** As {@link #threads()}, of another process (a cdc-sink JVM the benchmark launched). */
    static Map<Integer, Map.Entry<String, Double>> threads(long pid) {
        return threads(Long.toString(pid));
    }

    private static Map<Integer, Map.Entry<String, Double>> threads(String process) {
        Map<Integer, Map.Entry<String, Double>> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + process + "/task"))) {
            tasks.forEach(t -> {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    out.put(Integer.parseInt(t.getFileName().toString()),
                            Map.entry(group(comm), seconds(read(t.resolve("stat")))));
                } catch (IOException | RuntimeException gone) {
                    // The thread ended while the directory was listed.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** CPU seconds by thread group between two readings of {@link #threads}, largest first. */
    static Map<String, Double> groupsBetween(Map<Integer, Map.Entry<String, Double>> before,
                                             Map<Integer, Map.Entry<String, Double>> after) {
        Map<String, Double> sums = new HashMap<>();
        after.forEach((tid, t) -> {
            Map.Entry<String, Double> was = before.get(tid);
            sums.merge(t.getKey(), t.getValue() - (was == null ? 0.0 : was.getValue()), Double::sum);
        });
        Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        sums.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The eight largest groups of {@link #groupsBetween} as {@code " name 1.2 us;"} per row, for a BENCH line. */
    static String perRow(Map<String, Double> groups, long rows) {
        StringBuilder out = new StringBuilder();
        groups.entrySet().stream().limit(8).forEach(e ->
                out.append(String.format(" %s %.1f us;", e.getKey(), e.getValue() * 1e6 / rows)));
        return out.toString();
    }

    private static String group(String comm) {
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JIT";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
            return "GC/VM";
        }
        return comm.replaceAll("[-#_ ]?[0-9]+$", "");
    }

    /**
     * CPU seconds so far of this JVM's ended and reaped child processes (cutime + cstime): a {@code psql} or a
     * {@code cdc-sink verify} run that the benchmark started and waited for counts here once it has exited.
     */
    static double reapedChildren() {
        String[] f = fields(read(Path.of("/proc/self/stat")));
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
    }

    /** CPU seconds so far of one process (a server's backend or walsender, a cdc-sink JVM). */
    static double process(long pid) {
        return seconds(read(Path.of("/proc/" + pid + "/stat")));
    }

    /** CPU seconds so far of the server's processes, by process id. */
    static Map<Integer, Double> server(EmbeddedPg pg) {
        long postmaster = postmaster(pg);
        Map<Integer, Double> out = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String[] f = fields(Files.readString(p.resolve("stat")));
                    if (Long.parseLong(f[1]) == postmaster) {
                        out.put(Integer.parseInt(p.getFileName().toString()), seconds(f));
                    }
                } catch (IOException | RuntimeException gone) {
                    // The process ended while the directory was listed.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The postmaster's own time plus that of its reaped children (cutime, cstime): without the latter, the work
        // of backends whose connections closed before the second reading (a pool shut down with its replicator)
        // would be lost.
        String[] pm = fields(read(Path.of("/proc/" + postmaster + "/stat")));
        out.put((int) postmaster, seconds(pm) + (Long.parseLong(pm[13]) + Long.parseLong(pm[14])) / TICKS_PER_SECOND);
        return out;
    }

    /** The CPU seconds the server's processes spent between two readings of {@link #server}. */
    /**
     * Vacuums and analyses every database of the server, untimed, so the next measured run does not pay for this
     * one's rows: autovacuum of a 500,000-row table (or of a staging table's dead rows) otherwise ran during the run
     * after it, on the same cores and counted as that run's server CPU. Call it after reading the meters.
     */
    static void settle(EmbeddedPg pg) throws SQLException {
        java.util.List<String> databases = new java.util.ArrayList<>();
        try (Connection c = pg.dataSource("postgres").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn")) {
            while (rs.next()) {
                databases.add(rs.getString(1));
            }
        }
        for (String db : databases) {
            pg.exec(db, "VACUUM (ANALYZE)");
        }
    }

    static double between(Map<Integer, Double> before, Map<Integer, Double> after) {
        double sum = 0;
        for (Map.Entry<Integer, Double> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        }
        return sum;
    }

    private static long postmaster(EmbeddedPg pg) {
        try (Connection c = pg.dataSource("postgres").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return Long.parseLong(fields(read(Path.of("/proc/" + rs.getInt(1) + "/stat")))[1]);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path stat) {
        try {
            return Files.readString(stat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(String stat) {
        return seconds(fields(stat));
    }

    /** utime + stime: fields 14 and 15 of proc(5), here 11 and 12 after the command name. */
    private static double seconds(String[] fields) {
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** The fields after the command name, which may itself contain spaces and parentheses. */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
