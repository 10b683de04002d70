package io.cdcsink.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused changefeed requests at WARN, each reason at most once a minute: the first request refused for a reason
 * is logged at once, later ones for the same reason only as a count with the next line for it. A changefeed that keeps
 * sending what the target refuses is so visible without -v, and one that sends thousands is a line a minute.
 */
final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);
    static final Duration EVERY = Duration.ofMinutes(1);
    /** Reasons remembered; the oldest is forgotten beyond this. */
    private static final int REASONS = 256;
    private static final int REASON_CHARS = 300;

    private final Clock clock;
    private final Map<String, Seen> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > REASONS;
        }
    };

    Rejections(Clock clock) {
        this.clock = clock;
    }

    /** What was logged or counted for one reason. */
    private static final class Seen {
        long loggedMillis;
        long suppressed;
    }

    /**
     * A request refused with {@code status} for {@code reason}; {@code request} is the method and path without
     * access tokens.
     *
     * @return the line logged, or null when it was only counted
     */
    String refused(String request, int status, String reason) {
        String shortReason = reason == null ? "" : reason.length() > REASON_CHARS
                ? reason.substring(0, REASON_CHARS) + "..." : reason;
        String key = status + " " + shortReason;
        long now = clock.millis();
        long more;
        synchronized (seen) {
            Seen s = seen.get(key);
            if (s != null && now - s.loggedMillis < EVERY.toMillis()) {
                s.suppressed++;
                return null;
            }
            if (s == null) {
                s = new Seen();
                seen.put(key, s);
            }
            more = s.suppressed;
            s.suppressed = 0;
            s.loggedMillis = now;
        }
        String line = request + ": refused with " + status + ": " + shortReason
                + (more > 0 ? " (and " + more + " more refused for this reason in the last minute)" : "");
        LOG.warn(line);
        return line;
    }
}
