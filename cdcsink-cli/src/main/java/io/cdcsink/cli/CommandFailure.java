package io.cdcsink.cli;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;

/**
 * How a command that failed ends the process: one line on stderr saying what is wrong and, where the failure knows
 * it, what to do (the start-up check's errors do); the stack trace follows only with {@code -v}. An operator reads
 * the line; a developer asks for the trace.
 */
final class CommandFailure {
    /** The exit code of a command that failed while running (bad flags are picocli's 2). */
    static final int EXIT = 1;

    private CommandFailure() {
    }

    /**
     * @param logFile true when the log goes to a file ({@code --logDestination}): the line goes there too, as an
     *                ERROR; on the console it is printed once
     */
    static int report(Exception e, PrintWriter err, boolean verbose, boolean logFile) {
        String line = oneLine(e);
        if (logFile) {
            LoggerFactory.getLogger(Main.class).error("exited: {}", line);
        }
        err.println("cdc-sink: " + line);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT;
    }

    /** The failure's message as one line; a wrapper's own text (Guice lists every injection point) is skipped. */
    static String oneLine(Throwable e) {
        Throwable shown = e;
        while ((shown instanceof CreationException || shown instanceof ProvisionException)
                && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage();
        if (message == null || message.isBlank()) {
            return shown.toString();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
