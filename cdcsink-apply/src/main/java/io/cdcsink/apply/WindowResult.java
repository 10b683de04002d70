package io.cdcsink.apply;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import java.util.Objects;

/**
 * One applied window: everything staged for the schema at or before {@code resolved} is now in the target.
 *
 * @param mutations how many mutations were handed to the applier (the newest per key and table)
 */
public record WindowResult(SchemaName schema, Hlc resolved, long mutations) {
    public WindowResult {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(resolved, "resolved");
        if (mutations < 0) {
            throw new IllegalArgumentException("negative mutation count " + mutations);
        }
    }
}
