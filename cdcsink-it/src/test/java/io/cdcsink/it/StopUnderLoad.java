package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * SIGTERM sent to the real cdc-sink process while a bank workload keeps writing to its source (a database, or the
 * changefeed emulator): the stop is timed and its exit code kept; the workload goes on, a new process takes over,
 * and at the end the target must equal the source row by row: nothing acknowledged before the stop is lost, nothing
 * is applied twice. One signal is the clean stop ({@code --shutdownTimeout}); two are the impatient operator's, which
 * exit at once.
 */
final class StopUnderLoad {
    /** How the stopped process ended: its exit code and the time from the first signal to its exit. */
    record Stop(int exit, Duration took) {
    }

    /** What a run did, for the test's assertions and the printed figures. */
    record Result(Stop stop, long transfers, long rowsCompared, String stoppedLog, String resumedLog) {
    }

    private StopUnderLoad() {
    }

    /**
     * The changefeed the webhook tests post {@link BankFeed} with: three "nodes", shuffled, 10% duplicates, four
     * senders of 20-row batches, a resolved timestamp every 200 ms; posts that fail are retried for
     * {@code retryTimeout}, as a changefeed retries them, so a stopped process misses nothing.
     */
    static EmulatorConfig bankChangefeed(String db, long seed, Duration retryTimeout) {
        return bankChangefeed(db, "public", seed, retryTimeout);
    }

    /** As {@link #bankChangefeed(String, long, Duration)} into another schema (on MariaDB, the database itself). */
    static EmulatorConfig bankChangefeed(String db, String schema, long seed, Duration retryTimeout) {
        return EmulatorConfig.to("/" + db + "/" + schema).withNodes(3).withShuffle(true)
                .withDuplicateProbability(0.1).withSenders(4).withBatchSize(20)
                .withResolvedInterval(Duration.ofMillis(200)).withSeed(seed).withRetryTimeout(retryTimeout);
    }

    /**
     * {@link #run} for the webhook: {@link BankFeed} posted by a {@link #bankChangefeed} to the process on
     * {@code port} (the same port after the restart, as a changefeed's sink URL stays), retried for five minutes.
     */
    static Result webhook(String name, String db, long seed, int port, Callable<CdcSinkProcess> starter,
                          DataSource target, int signals, Duration bound) throws Exception {
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(URI.create("http://127.0.0.1:" + port),
                bankChangefeed(db, seed, Duration.ofMinutes(5)))) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            Result result = run(name, feed, starter, target::getConnection, signals, Duration.ofSeconds(3), bound);
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
            return result;
        }
    }

    /** The {@link BankFeed} tables in a target database. */
    static void bankFeedTables(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String sql : BankFeed.ddl()) {
                s.execute(sql);
            }
        }
    }

    /**
     * Starts a process, writes for {@code load}, sends {@code signals} SIGTERMs (20 ms apart) and times the exit
     * (giving up after {@code bound} plus ten seconds), writes on while no process runs, starts another and waits
     * until source and target are equal; the last process is stopped with one SIGTERM, which must exit 0 as well.
     *
     * @param starter launches cdc-sink and waits until it is healthy
     */
    static Result run(String name, CrashStorms.BankSource source, Callable<CdcSinkProcess> starter,
                      Callable<Connection> target, int signals, Duration load, Duration bound) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        KillStorm.Writer writer = new KillStorm.Writer(source::transfer, failure);
        Stop stop;
        String log;
        String resumed;
        long rows;
        CdcSinkProcess first = starter.call();
        writer.start();
        try {
            Thread.sleep(load.toMillis());
            long before = source.transfers();
            stop = signal(first, signals, bound);
            log = first.logText();
            System.out.printf("stop under load %s: %d signal(s) after %d transfers: exit %d in %d ms%n", name, signals,
                    before, stop.exit(), stop.took().toMillis());
            Thread.sleep(1_000);
            try (CdcSinkProcess second = starter.call()) {
                Thread.sleep(1_000);
                writer.halt();
                if (failure.get() != null) {
                    throw failure.get();
                }
                rows = CrashStorms.awaitSame(source, target, Duration.ofSeconds(120));
                Stop last = signal(second, 1, bound);
                resumed = second.logText();
                assertThat(last.exit()).as("exit code of the process that caught up, on SIGTERM").isZero();
            }
        } finally {
            writer.halt();
            first.kill();
        }
        System.out.printf("stop under load %s: transfers=%d rows compared=%d, source and target equal%n", name,
                source.transfers(), rows);
        return new Result(stop, source.transfers(), rows, log, resumed);
    }

    /** Sends SIGTERM {@code count} times and waits for the exit, at most {@code bound} plus ten seconds. */
    static Stop signal(CdcSinkProcess p, int count, Duration bound) throws Exception {
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(20);
            }
            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -TERM %d", p.pid())
                    .isTrue();
        }
        long deadline = started + bound.plusSeconds(10).toNanos();
        while (p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(p.isAlive()).as("cdc-sink still runs %s after SIGTERM: %s", took, p.logText()).isFalse();
        return new Stop(p.stop(), took);
    }
}
