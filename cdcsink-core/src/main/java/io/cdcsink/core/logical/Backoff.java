package io.cdcsink.core.logical;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff between attempts of the replication loop: the first wait after a success is the base
 * ({@code --retryDelay}), each further failure doubles it, up to the cap; a healthy attempt starts over at the base.
 * Keeps a source or target that is down from being hammered, while a short blip is retried at once.
 */
final class Backoff {
    /** The longest wait between attempts unless {@code --retryDelay} itself is longer. */
    static final Duration DEFAULT_CAP = Duration.ofSeconds(30);

    private final Duration base;
    private final Duration cap;
    private Duration next;

    /**
     * @param base the first wait; must be positive
     * @param cap  the longest wait; a cap below the base is raised to the base
     */
    Backoff(Duration base, Duration cap) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("the base delay must be positive: " + base);
        }
        this.base = base;
        this.cap = cap.compareTo(base) < 0 ? base : cap;
        this.next = base;
    }

    /** The wait before the next attempt; doubles the one after. */
    synchronized Duration next() {
        Duration d = next;
        next = d.compareTo(cap.dividedBy(2)) > 0 ? cap : d.multipliedBy(2);
        return d;
    }

    /** After a healthy attempt: the next failure waits the base delay again. */
    synchronized void reset() {
        next = base;
    }
}
