package io.cdcsink.core.status;

import io.cdcsink.core.status.StatusSnapshot.LoopView;
import io.cdcsink.core.status.StatusSnapshot.SchemaView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The text of the periodic progress log line, from two snapshots an interval apart. There is a line only while there
 * is work: rows were applied during the interval, or the lag is above the threshold.
 */
final class ProgressLine {
    private ProgressLine() {
    }

    static Optional<String> between(StatusSnapshot previous, StatusSnapshot current, Duration lagThreshold) {
        long rows = current.rowsApplied() - previous.rowsApplied();
        boolean lagging = current.lag().map(l -> l.compareTo(lagThreshold) > 0).orElse(false);
        if (rows <= 0 && !lagging) {
            return Optional.empty();
        }
        double seconds = Math.max(1, Duration.between(previous.now(), current.now()).toMillis()) / 1000.0;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "progress: %d rows applied (%d in the last %.0f s, %.1f rows/s)", current.rowsApplied(),
                Math.max(0, rows), seconds, Math.max(0, rows) / seconds));
        List<String> positions = new ArrayList<>();
        for (SchemaView s : current.schemas()) {
            s.resolved().ifPresent(r -> positions.add(s.schema() + " resolved " + r));
        }
        for (LoopView l : current.loops()) {
            l.position().ifPresent(p -> positions.add("loop " + l.name() + " (" + l.mode() + ") at " + p));
        }
        if (!positions.isEmpty()) {
            line.append("; ").append(String.join(", ", positions));
        }
        current.lag().ifPresent(l -> line.append(String.format(Locale.ROOT, "; lag %.1f s", l.toMillis() / 1000.0)));
        if (current.errors() > previous.errors()) {
            line.append("; ").append(current.errors() - previous.errors()).append(" new error(s)");
        }
        return Optional.of(line.toString());
    }
}
