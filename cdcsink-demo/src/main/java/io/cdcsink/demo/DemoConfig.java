package io.cdcsink.demo;

import java.time.Duration;

/**
 * Flags of {@code cdc-sink demo}.
 *
 * @param duration how long the workload runs ({@code --duration})
 * @param rate     source transactions per second ({@code --rate})
 * @param seed     seeds the workload and the changefeed emulator ({@code --seed})
 * @param keys     distinct primary keys the workload touches ({@code --keys})
 * @param nodes    emulated CockroachDB nodes posting to the webhook ({@code --nodes})
 */
record DemoConfig(Duration duration, int rate, long seed, int keys, int nodes) {
    DemoConfig {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, was " + duration);
        }
        if (rate < 1 || rate > 10_000) {
            throw new IllegalArgumentException("--rate must be within 1..10000 transactions per second, was " + rate);
        }
        if (keys < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, was " + keys);
        }
        if (nodes < 1 || nodes > 16) {
            throw new IllegalArgumentException("--nodes must be within 1..16, was " + nodes);
        }
    }
}
