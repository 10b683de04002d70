package io.cdcsink.demo.emulator;

import io.cdcsink.api.Hlc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A committed source transaction: its row changes all carry the commit timestamp as {@code updated}.
 *
 * <p>Like a real changefeed, which reports at most one event per row and transaction, several changes of one row
 * (same topic and key) collapse into the last of them. Without that two mutations of one row would share a
 * timestamp and the target could not tell which came last.
 *
 * @param commit  the commit timestamp; transactions are handed to the emulator in increasing commit order
 * @param changes the row changes, at least one
 */
public record SourceTransaction(Hlc commit, List<RowChange> changes) {
    public SourceTransaction {
        Objects.requireNonNull(commit, "commit");
        changes = lastPerRow(changes);
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a transaction needs at least one row change");
        }
        if (commit.equals(Hlc.ZERO)) {
            throw new IllegalArgumentException("commit timestamp must be after zero");
        }
    }

    private static List<RowChange> lastPerRow(List<RowChange> changes) {
        Map<String, RowChange> last = new LinkedHashMap<>();
        for (RowChange change : changes) {
            String row = change.topic() + "\u0000" + change.key().strip();
            last.remove(row);
            last.put(row, change);
        }
        return List.copyOf(new ArrayList<>(last.values()));
    }
}
