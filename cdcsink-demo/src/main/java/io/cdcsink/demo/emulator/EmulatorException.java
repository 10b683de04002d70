package io.cdcsink.demo.emulator;

/** Delivery failed for good: the server refused a request (4xx) or kept failing past the retry timeout. */
public final class EmulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmulatorException(String message) {
        super(message);
    }

    public EmulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
