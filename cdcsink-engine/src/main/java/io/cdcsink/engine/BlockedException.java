package io.cdcsink.engine;

import io.cdcsink.api.TargetUnavailableException;
import java.util.Objects;

/**
 * Thrown by an apply path when rows cannot be applied until the target changes ({@link Blockage}). Whoever retries
 * the work reports the blockage ({@link ReplicationRecorder#blocked}) instead of logging the exception each time.
 * It is a {@link TargetUnavailableException}: the target is behind, the input is not at fault, so a changefeed is
 * answered 503 and retries.
 */
public final class BlockedException extends TargetUnavailableException {
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
}
