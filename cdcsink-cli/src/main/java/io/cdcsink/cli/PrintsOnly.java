package io.cdcsink.cli;

/**
 * A command that only prints what it was asked for (the version, a completion script): {@link Main} sets up no
 * logging for it, which would take a fifth of such a command's time.
 */
interface PrintsOnly {
}
