package io.cdcsink.auth;

import java.util.Objects;

/**
 * The outcome of checking a token.
 *
 * @param allowed true when the write may proceed
 * @param reason  a short label for metrics and debug logs: {@code ok} or why the token was refused
 */
public record Verdict(boolean allowed, String reason) {
    public static final Verdict ALLOWED = new Verdict(true, "ok");

    public Verdict {
        Objects.requireNonNull(reason, "reason");
    }

    public static Verdict denied(String reason) {
        return new Verdict(false, reason);
    }
}
