package io.cdcsink.engine;

import java.util.Locale;

/** What happens to a row the target refuses ({@code --onApplyError}). */
public enum OnApplyError {
    /**
     * What applies the row waits (its window, source transaction or webhook request) and retries until the target
     * accepts it; the operator is told once ({@link Blockage}).
     */
    STOP,
    /**
     * The row goes to cdc-sink's {@code dead_letters} table in the same target transaction that applies the rest,
     * and later changes of the same key follow it there until it is retried or discarded ({@link DeadLetters}).
     */
    DEADLETTER;

    /** The flag's spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The policy a flag value names.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static OnApplyError parse(String value) {
        for (OnApplyError e : values()) {
            if (e.label().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("--onApplyError must be stop or deadletter, not '" + value + "'");
    }
}
