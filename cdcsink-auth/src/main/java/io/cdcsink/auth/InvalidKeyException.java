package io.cdcsink.auth;

/** A row of {@code jwt_public_keys} that does not hold a usable public key; the message names the row. */
public final class InvalidKeyException extends Exception {
    public InvalidKeyException(String message) {
        super(message);
    }

    public InvalidKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
