package io.cdcsink.api.preflight;

import java.util.Objects;

/**
 * One line of a preflight report.
 *
 * @param severity the outcome
 * @param object   what was checked, e.g. {@code target}, {@code source setting wal_level} or
 *                 {@code app.public.orders.total}
 * @param message  what was found
 * @param fix      the SQL or setting that fixes it; empty when there is nothing to do
 */
public record Finding(Severity severity, String object, String message, String fix) {
    public Finding {
        Objects.requireNonNull(severity, "severity");
        if (object == null || object.isBlank()) {
            throw new IllegalArgumentException("a finding must name the object it is about");
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a finding needs a message");
        }
        Objects.requireNonNull(fix, "fix");
    }

    /** The report line: {@code ERROR app.public.t: table missing on the target; fix: CREATE TABLE ...}. */
    public String line() {
        return String.format("%-5s %s: %s%s", severity, object, message, fix.isEmpty() ? "" : "; fix: " + fix);
    }
}
