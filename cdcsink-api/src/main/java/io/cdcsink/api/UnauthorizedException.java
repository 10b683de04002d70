package io.cdcsink.api;

/** The caller is not allowed to write where it asked to (HTTP 401). */
public class UnauthorizedException extends CdcSinkException {
    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String message) {
        super(message);
    }
}
