package io.cdcsink.api;

/**
 * The target cannot take this work until the operator changes it: it lacks a table or columns, or refuses a row.
 * The replicator has told the operator (one ERROR line, {@code /_/status}, {@code /_/healthz}); a source answers as for
 * any {@link TargetUnavailableException} (HTTP 503, retry later) but need not log it again.
 */
public class TargetBlockedException extends TargetUnavailableException {
    private static final long serialVersionUID = 1L;

    public TargetBlockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
