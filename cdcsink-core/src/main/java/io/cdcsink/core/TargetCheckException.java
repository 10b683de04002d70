package io.cdcsink.core;

import io.cdcsink.api.sql.StartupCheck;
import io.cdcsink.api.TargetUnavailableException;

/**
 * Start-up could not use the target ({@link TargetServer#check}). The message is one line: what is wrong, naming the
 * target, then what to do, naming the flag the connection string came from; {@link #problem()} and {@link #fix()}
 * give the two halves apart (preflight prints them in columns of their own).
 */
public final class TargetCheckException extends TargetUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String fix;

    TargetCheckException(StartupCheck.Failure failure, Throwable cause) {
        super(failure.line(), cause);
        this.problem = failure.problem();
        this.fix = failure.fix();
    }

    /** What is wrong, naming the target. */
    public String problem() {
        return problem;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }
}
