package io.cdcsink.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a target outage as changes of state, not once per request: the first request answered 503 because the target
 * is unavailable is one WARN line (its stack trace at DEBUG), the others during the outage DEBUG lines, and the first
 * request accepted afterwards one INFO line with how many were refused. The changefeed retries each refused request.
 */
final class Outage {
    private static final Logger LOG = LoggerFactory.getLogger(Outage.class);

    /** Requests refused in the current outage; read without the lock on every accepted request. */
    private volatile long refused;
    private long startedMillis;

    /** A request was answered 503 because the target failed; returns the line logged at WARN, if any. */
    synchronized String refused(String request, Exception cause) {
        refused++;
        if (refused > 1) {
            LOG.debug("{}: 503, the target is still unavailable: {}", request, cause.getMessage());
            return null;
        }
        startedMillis = System.currentTimeMillis();
        String line = "the target is unavailable; answering 503 until it is back, and the changefeed retries ("
                + request + ": " + cause.getMessage() + ")";
        LOG.warn(line);
        LOG.debug("target unavailable", cause);
        return line;
    }

    /** A request was accepted; ends an outage, returning the line logged at INFO, if any. */
    String accepted() {
        if (refused == 0) {
            return null;
        }
        return ended();
    }

    private synchronized String ended() {
        if (refused == 0) {
            return null;
        }
        String line = "the target is available again after " + (System.currentTimeMillis() - startedMillis) / 1000
                + " s; " + refused + " request" + (refused == 1 ? " was" : "s were") + " answered 503 meanwhile";
        refused = 0;
        LOG.info(line);
        return line;
    }
}
