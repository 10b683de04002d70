package io.cdcsink.api;

/** The caller sent something we cannot accept (HTTP 400). Retrying the same input will fail again. */
public class BadInputException extends CdcSinkException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
