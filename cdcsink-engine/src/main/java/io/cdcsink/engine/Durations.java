package io.cdcsink.engine;

import java.time.Duration;

/** Durations as the flags spell them ({@code 16s}, {@code 1m30s}, {@code 500ms}), for log lines and messages. */
public final class Durations {
    private Durations() {
    }

    /** {@code 0s}, {@code 250ms}, {@code 16s}, {@code 1.5s}, {@code 1m30s}, {@code 2h0m5s}; negative with a minus. */
    public static String text(Duration d) {
        if (d.isNegative()) {
            return "-" + text(d.negated());
        }
        long millis = d.toMillis();
        if (millis < 1_000) {
            return millis == 0 ? "0s" : millis + "ms";
        }
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int ms = d.toMillisPart();
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds);
        if (ms > 0) {
            String frac = String.format("%03d", ms);
            out.append('.').append(frac.replaceAll("0+$", ""));
        }
        return out.append('s').toString();
    }
}
