package io.cdcsink.core;

import io.cdcsink.engine.Applier;
import io.cdcsink.engine.Checkpoints;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.Stager;
import io.cdcsink.api.TableName;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consistent mode (the default): a batch is checked against its tables, then staged; a resolved timestamp is
 * recorded as a checkpoint, and the resolver applies everything up to it in one transaction later.
 */
final class ConsistentMode implements PipelineMode {
    private final Applier applier;
    private final Stager stager;
    private final Checkpoints checkpoints;
    private final TargetTransactions transactions;
    private final ReplicationRecorder recorder;

    @Inject
    ConsistentMode(Applier applier, Stager stager, Checkpoints checkpoints, TargetTransactions transactions,
                   ReplicationRecorder recorder) {
        this.applier = applier;
        this.stager = stager;
        this.checkpoints = checkpoints;
        this.transactions = transactions;
        this.recorder = recorder;
    }

    @Override
    public ReplicationRecorder.Mode recorded() {
        return ReplicationRecorder.Mode.CONSISTENT;
    }

    @Override
    public String metricLabel() {
        return "staged";
    }

    @Override
    public boolean immediate() {
        return false;
    }

    @Override
    public Map<TableName, PreparedBatch> beforeWriting(String database, Map<TableName, List<Mutation>> group,
                                                       Map<TableName, PreparedBatch> prepared) {
        // Whatever is staged must be appliable later: bad input fails here, before anything is staged. Checking only
        // reads, so a batch that then shares a staging transaction with others is already known to be good.
        transactions.run(database, c -> {
            for (PreparedBatch batch : prepared.values()) {
                applier.validatePrepared(c, batch);
            }
            return null;
        });
        // Staging needs the mutations only; the staging tables exist before a writer's transaction opens.
        Map<TableName, PreparedBatch> staged = new LinkedHashMap<>();
        group.forEach((table, mutations) -> {
            prepareStaging(table);
            staged.put(table, PreparedBatch.of(table, mutations));
        });
        return staged;
    }

    private void prepareStaging(TableName table) {
        try {
            stager.prepare(table);
        } catch (SQLException e) {
            throw SqlErrors.classify("could not prepare staging for " + table, e);
        }
    }

    @Override
    public Written write(Connection c, Map<TableName, List<PreparedBatch>> byTable) throws SQLException {
        List<Stager.Staged> staged = new ArrayList<>(byTable.size());
        for (Map.Entry<TableName, List<PreparedBatch>> e : byTable.entrySet()) {
            staged.add(stager.stage(c, e.getKey(), PreparedBatch.mutationsOf(e.getValue())));
        }
        return () -> staged.forEach(stager::committed);
    }

    @Override
    public void resolved(SchemaName schema, Hlc resolved) {
        try {
            checkpoints.mark(schema, resolved);
        } catch (RuntimeException e) {
            recorder.schemaFailed(schema, ReplicationRecorder.Mode.CONSISTENT, String.valueOf(e.getMessage()));
            throw e;
        }
    }
}
