package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The newest mutation per key of a window, picked in the process from the mutations of the batches overlapping it:
 * for a window taken from memory ({@link StagedCache}) and for every drain on a product whose server cannot split a
 * batch's text ({@link MySqlStagingSql}). Holds one mutation per key, not the batches.
 */
final class NewestPerKey {
    private final Optional<Hlc> after;
    private final Hlc upTo;
    private final Map<String, Mutation> newest = new HashMap<>();
    private long entries;

    /** For the window after {@code after} (every time when empty) up to {@code upTo}. */
    NewestPerKey(Optional<Hlc> after, Hlc upTo) {
        this.after = after;
        this.upTo = upTo;
    }

    /** Counts and keeps the mutation if it is in the window and the newest of its key so far. */
    void add(Mutation m) {
        if ((after.isEmpty() || m.time().isAfter(after.get())) && !m.time().isAfter(upTo)) {
            entries++;
            // Of two at the same time and key (a redelivery) either will do: they carry the same change.
            newest.merge(m.key(), m, (was, now) -> now.time().isAfter(was.time()) ? now : was);
        }
    }

    /** How many of the mutations added lay in the window. */
    long entries() {
        return entries;
    }

    /** The newest mutation of each key, in no particular order. */
    List<Mutation> mutations() {
        return new ArrayList<>(newest.values());
    }
}
