package io.cdcsink.webhook;

import java.io.IOException;

/** The request body exceeded {@link WebhookConfig#maxBodyBytes()} (HTTP 413). */
final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes");
    }
}
