package io.cdcsink.it;

import java.util.List;
import java.util.stream.Collectors;

/** Repeated benchmark runs: how many, and their ratios' median and list for the report. */
final class Ratios {
    private Ratios() {
    }

    /** {@code -Dbench.repeats}: how often a benchmark repeats its measured runs, 1 unless set, at most {@code max}. */
    static int repeats(int max, String why) {
        int repeats = Integer.getInteger("bench.repeats", 1);
        if (repeats < 1 || repeats > max) {
            throw new IllegalArgumentException("-Dbench.repeats must be 1 to " + max + " (" + why + "), was "
                    + repeats);
        }
        return repeats;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String list(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).collect(Collectors.joining(", "));
    }
}
