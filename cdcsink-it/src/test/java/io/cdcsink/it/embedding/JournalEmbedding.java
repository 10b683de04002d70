package io.cdcsink.it.embedding;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * docs/embedding.md, "A log-based source of your own": runs {@code io.cdcsink.it.customsource.JournalSourceProvider},
 * found by {@link java.util.ServiceLoader} under its name, with no compile-time reference to it.
 */
public final class JournalEmbedding {
    private JournalEmbedding() {
    }

    /**
     * Follows a change journal into {@code targetDatabase}: each journal transaction in one target transaction, or,
     * with {@code immediate}, rows fanned out over several connections.
     */
    public static Replicator start(String targetConnection, Path journal, String targetDatabase, boolean immediate)
            throws Exception {
        return Replicator.builder()
                .target(TargetConfig.of(targetConnection))
                .withoutStaging()                                  // the loop applies whole transactions itself
                .source("journal", Map.of(
                        "file", journal.toString(),
                        "targetDB", targetDatabase,
                        "immediate", Boolean.toString(immediate),
                        "retryDelay", "1s"))
                .start();
    }
}
