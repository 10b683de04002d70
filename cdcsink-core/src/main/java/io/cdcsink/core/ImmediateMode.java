package io.cdcsink.core;

import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Immediate mode ({@code --immediate}): a batch is applied in its writer's transaction as soon as it arrives, the
 * target checking it as it writes; resolved timestamps are counted and ignored. Source transaction boundaries are
 * not kept.
 */
final class ImmediateMode implements PipelineMode {
    private final Applier applier;
    private final ReplicationRecorder recorder;
    private final Counter resolvedIgnored;

    @Inject
    ImmediateMode(Applier applier, ReplicationRecorder recorder, PrometheusRegistry registry) {
        this.applier = applier;
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

    @Override
    public Written write(Connection c, Map<TableName, List<PreparedBatch>> byTable) throws SQLException {
        Map<TableName, ApplyResult> applied = new HashMap<>();
        for (Map.Entry<TableName, List<PreparedBatch>> e : byTable.entrySet()) {
            applied.put(e.getKey(), applier.applyPrepared(c, e.getKey(), e.getValue()));
        }
        return () -> applied.forEach((table, result) ->
                recorder.applied(table, ReplicationRecorder.Mode.IMMEDIATE, result));
    }

    @Override
    public void resolved(SchemaName schema, Hlc resolved) {
        resolvedIgnored.inc();
    }
}
