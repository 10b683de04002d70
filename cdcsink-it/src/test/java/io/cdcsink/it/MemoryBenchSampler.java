package io.cdcsink.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples a running cdc-sink's memory once a second for {@link MemoryBench}: resident memory from
 * {@code /proc/<pid>/status} ({@code VmRSS} now, {@code VmHWM} the kernel's own high-water mark, so no peak between
 * samples is missed) and heap used and committed from the JVM metrics at {@code /_/varz}. The heap is only as exact
 * as the sampling: a peak between two samples is missed.
 */
final class MemoryBenchSampler implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"} ([0-9.E+]+)");
    private static final Pattern HEAP_COMMITTED =
            Pattern.compile("jvm_memory_committed_bytes\\{area=\"heap\"} ([0-9.E+]+)");

    /** The highest values seen, in MiB; {@code samples} counts the samples that read the heap. */
    record Peaks(long rssMb, long hwmMb, long heapUsedMb, long heapCommittedMb, int samples) {
        Peaks max(Peaks other) {
            return new Peaks(Math.max(rssMb, other.rssMb), Math.max(hwmMb, other.hwmMb),
                    Math.max(heapUsedMb, other.heapUsedMb), Math.max(heapCommittedMb, other.heapCommittedMb),
                    samples + other.samples);
        }
    }

    private final CdcSinkProcess process;
    private final Http http = new Http();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memory-sampler");
        t.setDaemon(true);
        return t;
    });
    private Peaks peaks = new Peaks(0, 0, 0, 0, 0);
    private Peaks first;

    private MemoryBenchSampler(CdcSinkProcess process) {
        this.process = process;
    }

    /** Takes one sample now and then one every second until {@link #close()}. */
    static MemoryBenchSampler start(CdcSinkProcess process) {
        MemoryBenchSampler sampler = new MemoryBenchSampler(process);
        sampler.timer.scheduleAtFixedRate(sampler::sample, 0, 1, TimeUnit.SECONDS);
        return sampler;
    }

    /** The first sample, taken when sampling started (before the load), if any was taken. */
    synchronized Peaks idle() {
        return first == null ? new Peaks(0, 0, 0, 0, 0) : first;
    }

    /** The peaks so far. */
    synchronized Peaks peaks() {
        return peaks;
    }

    private void sample() {
        if (!process.isAlive()) {
            return;
        }
        long rssKb = statusKb("VmRSS:");
        long hwmKb = statusKb("VmHWM:");
        long used = 0;
        long committed = 0;
        int read = 0;
        try {
            String varz = http.get(process.uri("/_/varz")).body();
            used = bytes(varz, HEAP_USED);
            committed = bytes(varz, HEAP_COMMITTED);
            read = used > 0 ? 1 : 0;
        } catch (IOException busy) {
            // A missed sample: the heap is read again in a second.
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
        Peaks now = new Peaks(rssKb / 1024, hwmKb / 1024, used >> 20, committed >> 20, read);
        synchronized (this) {
            if (first == null) {
                first = now;
            }
            peaks = peaks.max(now);
        }
    }

    private long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // The process ended between the liveness check and the read.
        }
        return 0;
    }

    private static long bytes(String varz, Pattern pattern) {
        Matcher m = pattern.matcher(varz);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Takes a last sample and stops sampling. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(30, TimeUnit.SECONDS);
        sample();
    }
}
