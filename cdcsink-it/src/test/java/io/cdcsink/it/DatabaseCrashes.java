package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Database crashes under the bank workload while one cdc-sink process keeps running: a database (the target, or a
 * source) is killed with SIGKILL several times at seeded moments and started again; cdc-sink is never restarted.
 * After each restart the recovery time is measured: from the moment the database accepts connections again until
 * the target shows a transaction it did not hold then. At the end the target must equal the source (the oracle) row
 * by row, and in consistent mode the invariant must have held at every read. {@code -Dcrash.count} changes the
 * number of crashes (default 5, 20 with {@code -Dnightly=true}), {@code -Dcrash.seed} replays a run.
 */
final class DatabaseCrashes {
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);

    /** A database the test can crash and start again. */
    interface Crashable {
        void crash() throws Exception;

        /** Starts it again; returns once it accepts connections. */
        void up() throws Exception;
    }

    /** What a run did: the seed, the recovery time after each restart in seconds, and the checker's counts. */
    record Figures(long seed, List<Double> recoveries, long transfers, long reads, int violations, long rows) {
        double max() {
            return recoveries.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        double median() {
            List<Double> sorted = recoveries.stream().sorted().toList();
            return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        }
    }

    private DatabaseCrashes() {
    }

    static int crashes() {
        return Integer.getInteger("crash.count", Boolean.getBoolean("nightly") ? 20 : 5);
    }

    static long seed(long fallback) {
        return Long.getLong("crash.seed", fallback);
    }

    /**
     * Runs the workload on {@code source}, crashes {@code victim} {@link #crashes()} times, then checks the target
     * ({@code target} opens a connection to it, failing while it is down).
     *
     * @param consistent whether no reading may break the invariant (consistent mode); in immediate mode half-applied
     *                   transfers may be seen on the way and are only counted
     */
    static Figures run(String name, long seed, Crashable victim, CrashStorms.BankSource source,
                       Callable<Connection> target, boolean consistent) throws Exception {
        Random random = new Random(seed);
        List<Double> recoveries = new ArrayList<>();
        Figures figures;
        // The accounts opened on the target before the writer starts.
        CrashStorms.awaitSame(source, target, Duration.ofSeconds(60));
        try (InvariantReader reader = new InvariantReader(() -> CrashStorms.connect(target));
             Writer writer = new Writer(source)) {
            for (int i = 1; i <= crashes(); i++) {
                Thread.sleep(400 + random.nextInt(600));
                long before = writer.done();
                victim.crash();
                Thread.sleep(100 + random.nextInt(400));
                victim.up();
                long up = System.nanoTime();
                long held = transfersOn(target);
                while (transfersOn(target) <= held) {
                    assertThat(System.nanoTime() - up).as("%s: a new transaction applied after restart %d", name, i)
                            .isLessThan(RECOVERY_LIMIT.toNanos());
                    Thread.sleep(10);
                }
                double seconds = (System.nanoTime() - up) / 1e9;
                recoveries.add(seconds);
                System.out.printf("DATABASE CRASH %s: crash %d (%d transfers committed before it): recovery %.2f s%n",
                        name, i, before, seconds);
                writer.check();
            }
            writer.halt();
            long rows = CrashStorms.awaitSame(source, target, Duration.ofSeconds(120));
            reader.close();
            figures = new Figures(seed, recoveries, source.transfers(), reader.reads(), reader.violations().size(),
                    rows);
        }
        System.out.printf("DATABASE CRASH %s: seed=%d crashes=%d recovery median %.2f s max %.2f s (all %s);"
                        + " transfers=%d invariant reads=%d violations=%d%s rows compared=%d%n", name, seed,
                recoveries.size(), figures.median(), figures.max(), recoveries.stream()
                        .map(s -> String.format("%.2f", s)).toList(), figures.transfers(), figures.reads(),
                figures.violations(), consistent ? "" : " (immediate: allowed)", figures.rows());
        if (consistent) {
            assertThat(figures.violations()).as("half-applied transactions seen on the target (seed %d)", seed)
                    .isZero();
        }
        assertThat(figures.reads()).as("invariant reads").isGreaterThan(50);
        assertThat(recoveries).hasSize(crashes());
        try (Connection t = target.call()) {
            assertThat(Bank.totals(t).consistent()).isTrue();
            assertThat(Bank.rows(t, "bank_log")).hasSize((int) source.transfers());
        }
        return figures;
    }

    /** Transfers on the target: its {@code bank_log} rows, read over a connection retried while it is down. */
    private static long transfersOn(Callable<Connection> target) throws Exception {
        long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
        while (true) {
            try (Connection c = target.call(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM bank_log")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /** Commits transfers back to back (one every 10 ms) until halted. */
    private static final class Writer implements AutoCloseable {
        private final CrashStorms.BankSource source;
        private final Thread thread;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicLong done = new AtomicLong();
        private volatile boolean running = true;

        Writer(CrashStorms.BankSource source) {
            this.source = source;
            this.thread = new Thread(this::loop, "bank-writer");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try {
                while (running) {
                    source.transfer();
                    done.set(source.transfers());
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.set(e);
            }
        }

        long done() {
            return done.get();
        }

        void check() throws Exception {
            if (failure.get() != null) {
                throw failure.get();
            }
        }

        void halt() throws Exception {
            running = false;
            thread.join(30_000);
            check();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }
    }
}
