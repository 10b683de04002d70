package io.cdcsink.webhook;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded webhook request: either a resolved timestamp or mutations grouped by table (possibly none, for an
 * empty body).
 *
 * @param mutations mutations per table, tables in order of first appearance, mutations in payload order
 * @param resolved  the resolved timestamp, when the body was a resolved message
 */
public record WebhookBody(Map<TableName, List<Mutation>> mutations, Optional<Hlc> resolved) {
    public static final WebhookBody EMPTY = new WebhookBody(Map.of(), Optional.empty());

    public WebhookBody {
        // Keep the caller's order: Map.copyOf would lose it.
        LinkedHashMap<TableName, List<Mutation>> copy = new LinkedHashMap<>();
        mutations.forEach((t, l) -> copy.put(t, List.copyOf(l)));
        mutations = Collections.unmodifiableMap(copy);
        if (resolved == null) {
            throw new IllegalArgumentException("resolved must not be null");
        }
        if (resolved.isPresent() && !mutations.isEmpty()) {
            throw new IllegalArgumentException("a resolved message carries no mutations");
        }
    }

    public static WebhookBody resolved(Hlc hlc) {
        return new WebhookBody(Map.of(), Optional.of(hlc));
    }

    public boolean isEmpty() {
        return mutations.isEmpty() && resolved.isEmpty();
    }
}
