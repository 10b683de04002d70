package io.cdcsink.it;

import java.util.List;
import java.util.stream.Collectors;

/** The ratios of repeated benchmark runs: their median, and all of them as text for the report. */
final class Ratios {
    private Ratios() {
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
