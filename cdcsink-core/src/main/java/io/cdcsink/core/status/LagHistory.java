package io.cdcsink.core.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A fixed-size ring of lag samples, oldest overwritten first. */
final class LagHistory {
    private final long[] times;
    private final double[] lags;
    private int next;
    private int size;

    LagHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        times = new long[capacity];
        lags = new double[capacity];
    }

    synchronized void add(Instant time, double lagSeconds) {
        times[next] = time.toEpochMilli();
        lags[next] = lagSeconds;
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    /** Oldest first. */
    synchronized List<StatusSnapshot.LagSample> samples() {
        List<StatusSnapshot.LagSample> out = new ArrayList<>(size);
        int start = (next - size + times.length) % times.length;
        for (int i = 0; i < size; i++) {
            int j = (start + i) % times.length;
            out.add(new StatusSnapshot.LagSample(Instant.ofEpochMilli(times[j]), lags[j]));
        }
        return out;
    }
}
