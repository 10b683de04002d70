package io.cdcsink.api.preflight;

/** How a preflight finding affects the exit code: only {@link #ERROR} makes preflight fail. */
public enum Severity {
    /** The check passed. */
    OK,
    /** Replication may work, but something is risky or could not be decided. */
    WARN,
    /** Replication will fail or silently lose data until this is fixed. */
    ERROR
}
