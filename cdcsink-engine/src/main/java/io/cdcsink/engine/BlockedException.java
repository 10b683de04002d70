package io.cdcsink.engine;

import java.util.Objects;

/**
 * Thrown by an apply path when rows cannot be applied until the target changes ({@link Blockage}). Whoever retries
 * the work reports the blockage ({@link ReplicationRecorder#blocked}) instead of logging the exception each time.
 */
public final class BlockedException extends RuntimeException {
    private final transient Blockage blockage;

    public BlockedException(Blockage blockage, Throwable cause) {
        super(Objects.requireNonNull(blockage, "blockage").line(), cause);
        this.blockage = blockage;
    }

    public BlockedException(Blockage blockage) {
        this(blockage, null);
    }

    public Blockage blockage() {
        return blockage;
    }

    /** The blockage of the first {@code BlockedException} among {@code t} and its causes, if any. */
    public static java.util.Optional<Blockage> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BlockedException b) {
                return java.util.Optional.of(b.blockage());
            }
        }
        return java.util.Optional.empty();
    }
}
