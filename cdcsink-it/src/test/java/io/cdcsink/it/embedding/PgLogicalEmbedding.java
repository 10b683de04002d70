package io.cdcsink.it.embedding;

import io.cdcsink.core.MetricsServer;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.pg.PgLogical;
import io.cdcsink.pg.PgLogicalConfig;
import java.time.Duration;
import java.util.Optional;

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
        PgLogicalConfig source = PgLogicalConfig.of(sourceConnection, publication, slot, targetDatabase,
                Duration.ofSeconds(1));                                   // --standbyTimeout
        LogicalConfig loop = LogicalConfig.defaults("pglogical", targetDatabase)
                .withStandbyTimeout(Duration.ofSeconds(1))
                .withRetryDelay(Duration.ofSeconds(1));                   // the other --flags have with...() too
        return Replicator.builder()
                .target(TargetConfig.of(targetConnection))
                .withoutStaging()                                          // logical sources apply transactions
                .module(PgLogical.module(source, loop, Optional.of(metricsAddr)))
                .start();
    }

    /** The port of the metrics server (useful with {@code metricsAddr} port 0). */
    public static int metricsPort(Replicator replicator) {
        return replicator.service(MetricsServer.class).port();
    }
}
