package io.cdcsink.core;

import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Immediate mode ({@code --immediate}): a batch is applied in its writer's transaction as soon as it arrives, the
 * target checking it as it writes; resolved timestamps are counted and ignored. Source transaction boundaries are
 * not kept.
 *
 * <p>A transaction writes its tables in the order of their foreign keys ({@link Applier#applyPrepared(Connection,
 * Map)}), and batches that touch tables linked by foreign keys share one lane: they are written one transaction at a
 * time, in the order they arrived, so a child's row never races its parent's in another transaction.
 */
final class ImmediateMode implements PipelineMode {
    /** The lane of batches that touch tables linked by foreign keys. */
    static final String FOREIGN_KEYS_LANE = "foreign-keys";

    private final Applier applier;
    private final SchemaCatalog catalog;
    private final ReplicationRecorder recorder;
    private final Counter resolvedIgnored;

    @Inject
    ImmediateMode(Applier applier, SchemaCatalog catalog, ReplicationRecorder recorder, PrometheusRegistry registry) {
        this.applier = applier;
        this.catalog = catalog;
        this.recorder = recorder;
        this.resolvedIgnored = Counter.builder().withoutExemplars().name("pipeline_resolved_ignored_total")
                .help("Resolved timestamps ignored in immediate mode").register(registry);
    }

    @Override
    public ReplicationRecorder.Mode recorded() {
        return ReplicationRecorder.Mode.IMMEDIATE;
    }

    @Override
    public String metricLabel() {
        return "immediate";
    }

    @Override
    public boolean immediate() {
        return true;
    }

    @Override
    public Map<TableName, PreparedBatch> beforeWriting(String database, Map<TableName, List<Mutation>> group,
                                                       Map<TableName, PreparedBatch> prepared) {
        return prepared;
    }

    /** Runs on the caller's thread before the batch waits for a writer, so the foreign keys are read then. */
    @Override
    public String lane(String database, Set<TableName> tables) {
        var keys = catalog.foreignKeys(database);
        return tables.stream().anyMatch(keys::linked) ? FOREIGN_KEYS_LANE : "";
    }

    @Override
    public Written write(Connection c, Map<TableName, List<PreparedBatch>> byTable) throws SQLException {
        Map<TableName, ApplyResult> applied = applier.applyPrepared(c, byTable);
        return () -> applied.forEach((table, result) ->
                recorder.applied(table, ReplicationRecorder.Mode.IMMEDIATE, result));
    }

    @Override
    public void resolved(SchemaName schema, Hlc resolved) {
        resolvedIgnored.inc();
    }
}
