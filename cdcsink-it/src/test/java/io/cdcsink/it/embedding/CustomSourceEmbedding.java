package io.cdcsink.it.embedding;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * docs/embedding.md, "A custom source": runs {@code io.cdcsink.it.customsource.CsvFileSourceProvider}, found by
 * {@link java.util.ServiceLoader} under its name, with no compile-time reference to it.
 */
public final class CustomSourceEmbedding {
    private CustomSourceEmbedding() {
    }

    /** Loads a CSV file into {@code database.schema.table}; immediate applies each batch at once. */
    public static Replicator start(String targetConnection, Path csv, String table, boolean immediate)
            throws Exception {
        return Replicator.builder()
                .target(TargetConfig.of(targetConnection).withImmediate(immediate))
                .source("csv-file", Map.of("file", csv.toString(), "table", table, "batchRows", "250"))
                .start();
    }
}
