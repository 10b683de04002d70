package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, at WARN, that a schema received mutations older than its applied resolved timestamp, which are not staged: the
 * first time at once, later at most every {@link #EVERY} with the count since. Usually a changefeed re-created with an
 * earlier cursor, or a request sent again after its window was applied; without the line only a counter shows it.
 */
final class LateMutations {
    private static final Logger LOG = LoggerFactory.getLogger(LateMutations.class);
    static final Duration EVERY = Duration.ofMinutes(10);

    private final Clock clock;
    private final Map<SchemaName, Seen> schemas = new ConcurrentHashMap<>();

    LateMutations(Clock clock) {
        this.clock = clock;
    }

    private static final class Seen {
        long loggedMillis = Long.MIN_VALUE;
        long count;
    }

    /** {@code count} mutations of the schema at or before {@code applied} were not staged; returns the line logged. */
    String late(SchemaName schema, long count, Hlc applied) {
        Seen s = schemas.computeIfAbsent(schema, k -> new Seen());
        long total;
        synchronized (s) {
            s.count += count;
            long now = clock.millis();
            if (s.loggedMillis != Long.MIN_VALUE && now - s.loggedMillis < EVERY.toMillis()) {
                return null;
            }
            total = s.count;
            s.count = 0;
            s.loggedMillis = now;
        }
        String line = "schema " + schema + ": " + total + " mutation" + (total == 1 ? " was" : "s were") + " not"
                + " staged: at or before its applied resolved timestamp " + applied + " (a changefeed re-created"
                + " with an earlier cursor, or a request sent again after its window was applied); the next such"
                + " line comes at most every " + EVERY.toMinutes() + "m, with the count since";
        LOG.warn(line);
        return line;
    }
}
