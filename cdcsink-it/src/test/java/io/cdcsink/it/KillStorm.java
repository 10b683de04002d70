package io.cdcsink.it;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Kills the real cdc-sink process with SIGKILL at seeded random moments while a bank workload keeps writing to the
 * source (a database, or the changefeed emulator): some kills land during start-up (before the process is healthy), the rest while it applies. After the
 * last kill a final process catches up.
 */
final class KillStorm {
    /** What one storm did, for the test's assertions and the figures in docs/reliability.md. */
    record Figures(long seed, int kills, int duringStartup, long transfers) {
    }

    private final long seed;
    private final int kills;
    private final Callable<CdcSinkProcess> starter;

    /** @param starter launches cdc-sink without waiting for it to become healthy */
    KillStorm(long seed, int kills, Callable<CdcSinkProcess> starter) {
        this.seed = seed;
        this.kills = kills;
        this.starter = starter;
    }

    /** Seed from {@code -Dstorm.seed}, else the given default: a failing run is replayed with its printed seed. */
    static long seed(long fallback) {
        return Long.getLong("storm.seed", fallback);
    }

    /** Kills from {@code -Dstorm.kills}, else 20. */
    static int kills() {
        return Integer.getInteger("storm.kills", 20);
    }

    /**
     * Kills of a short storm, for the variants that repeat a storm on another target: {@code short} by default,
     * {@link #kills()} with {@code -Dnightly=true}.
     */
    static int shortStorm(int kills) {
        return Boolean.getBoolean("nightly") ? kills() : kills;
    }

    /** One unit of source work, e.g. a bank transfer; runs on the writer thread. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /**
     * Runs the storm with {@code transfer} repeated on the source throughout (about a hundred a second), then
     * returns with a healthy final process (which the caller closes) and the writer stopped.
     *
     * @param transfers how many transfers the source has committed, for the figures
     */
    Result run(Step transfer, LongSupplier transfers) throws Exception {
        Random random = new Random(seed);
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        Writer writer = new Writer(transfer, writerFailure);
        writer.start();
        int early = 0;
        try {
            for (int i = 0; i < kills; i++) {
                CdcSinkProcess p = starter.call();
                try {
                    if (random.nextInt(4) == 0) {
                        early++;
                        Thread.sleep(200 + random.nextInt(1_300));
                    } else {
                        p.awaitHealthy(Duration.ofSeconds(60));
                        Thread.sleep(100 + random.nextInt(1_400));
                    }
                } finally {
                    p.kill();
                }
            }
        } finally {
            writer.halt();
        }
        if (writerFailure.get() != null) {
            throw writerFailure.get();
        }
        CdcSinkProcess last = starter.call();
        last.awaitHealthy(Duration.ofSeconds(60));
        return new Result(last, new Figures(seed, kills, early, transfers.getAsLong()));
    }

    /** The healthy process left running after the storm, and what the storm did. */
    record Result(CdcSinkProcess process, Figures figures) {
    }

    /** Commits transfers back to back, about a hundred a second, until halted. */
    static final class Writer extends Thread {
        private final Step transfer;
        private final AtomicReference<Exception> failure;
        private volatile boolean running = true;

        Writer(Step transfer, AtomicReference<Exception> failure) {
            super("bank-writer");
            setDaemon(true);
            this.transfer = transfer;
            this.failure = failure;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    transfer.run();
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.set(e);
            }
        }

        void halt() throws InterruptedException {
            running = false;
            join(10_000);
        }
    }
}
