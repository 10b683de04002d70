package io.cdcsink.webhook.emulator;

import io.cdcsink.api.Hlc;
import java.util.List;
import java.util.Objects;

/**
 * A committed source transaction: its row changes all carry the commit timestamp as {@code updated}.
 *
 * @param commit  the commit timestamp; transactions are handed to the emulator in increasing commit order
 * @param changes the row changes, at least one
 */
public record SourceTransaction(Hlc commit, List<RowChange> changes) {
    public SourceTransaction {
        Objects.requireNonNull(commit, "commit");
        changes = List.copyOf(changes);
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a transaction needs at least one row change");
        }
        if (commit.equals(Hlc.ZERO)) {
            throw new IllegalArgumentException("commit timestamp must be after zero");
        }
    }
}
