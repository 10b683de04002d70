package io.cdcsink.api;

/** The target could not be reached or failed for a server-side reason (HTTP 503): the sender should retry. */
public class TargetUnavailableException extends CdcSinkException {
    private static final long serialVersionUID = 1L;

    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
