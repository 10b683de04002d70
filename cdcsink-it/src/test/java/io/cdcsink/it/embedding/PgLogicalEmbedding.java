package io.cdcsink.it.embedding;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import java.util.Map;

/** docs/embedding.md, "PostgreSQL logical replication": {@code cdc-sink pglogical} inside an application. */
public final class PgLogicalEmbedding {
    private PgLogicalEmbedding() {
    }

    /**
     * Replicates the publication through the (existing) slot into {@code targetDatabase}, one source transaction per
     * target transaction, and serves {@code /_/varz} on {@code metricsAddr}. The caller closes the replicator.
     */
    public static Replicator start(String sourceConnection, String publication, String slot,
                                   String targetConnection, String targetDatabase, String metricsAddr)
            throws Exception {
        return Replicator.builder()
                .target(TargetConfig.of(targetConnection))
                .withoutStaging()                                // logical sources apply transactions themselves
                .source("pglogical", Map.of(                      // the flags of cdc-sink pglogical, no dashes
                        "sourceConn", sourceConnection,
                        "publicationName", publication,
                        "slotName", slot,
                        "targetDB", targetDatabase,
                        "standbyTimeout", "1s",
                        "retryDelay", "1s"))
                .metricsAddress(metricsAddr)                     // --metricsAddr
                .start();
    }

    /** The port of the metrics server (useful with {@code metricsAddr} port 0). */
    public static int metricsPort(Replicator replicator) {
        return replicator.metricsPort();
    }
}
