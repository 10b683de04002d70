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

    /**
     * The blockage of the first {@code BlockedException} among {@code t} and its causes, if any; else, when the
     * target said it is out of space, that ({@link #OUT_OF_SPACE}).
     */
    public static java.util.Optional<Blockage> in(Throwable t) {
        boolean full = false;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BlockedException b) {
                return java.util.Optional.of(b.blockage());
            }
            full |= c instanceof java.sql.SQLException e && outOfSpace(e);
        }
        return full ? java.util.Optional.of(OUT_OF_SPACE) : java.util.Optional.empty();
    }

    /**
     * A full disk on the target: every write waits until the operator makes room, then resumes by itself. One
     * text whatever file the server could not extend, so it is reported once, not once per attempt.
     */
    public static final Blockage OUT_OF_SPACE = new Blockage(Blockage.Kind.OUT_OF_SPACE, java.util.Optional.empty(),
            java.util.Optional.empty(), "the target is out of space (No space left on device): writes wait and are"
            + " retried", java.util.Optional.of("free space on the target's disk (data or WAL)"));

    /** PostgreSQL's disk_full (53100); MySQL's 1114 (the table is full) and 1021 (disk full). */
    static boolean outOfSpace(java.sql.SQLException e) {
        return "53100".equals(e.getSQLState()) || e.getErrorCode() == 1114 || e.getErrorCode() == 1021;
    }
}
