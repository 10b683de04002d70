package io.cdcsink.api;

/** Base of the errors that map to an outcome at a boundary (HTTP status, retry, exit code). */
public class CdcSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CdcSinkException(String message) {
        super(message);
    }

    public CdcSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
