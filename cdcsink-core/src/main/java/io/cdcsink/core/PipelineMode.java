package io.cdcsink.core;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link DefaultPipeline} does with a batch once the applier has prepared it: {@link ConsistentMode} stages it
 * until a resolved timestamp, {@link ImmediateMode} applies it at once. One of them is bound when the pipeline is
 * wired ({@link CoreModule}, from {@code --immediate}), so the pipeline's own steps, shared by both, never ask which
 * mode they are in.
 */
interface PipelineMode {
    /** How the replication status records this mode's writes and failures. */
    ReplicationRecorder.Mode recorded();

    /** The {@code mode} label of {@code pipeline_mutations_total}. */
    String metricLabel();

    /** True when batches are applied without staging ({@code Pipeline.immediate()}). */
    boolean immediate();

    /**
     * On the caller's thread, before the batch waits for a writer of {@code database}: whatever needs no shared
     * transaction. Returns what the writer's transaction gets for each table.
     *
     * @param group    the batch's mutations by table, all of one database
     * @param prepared the applier's preparation of each table's mutations
     */
    Map<TableName, PreparedBatch> beforeWriting(String database, Map<TableName, List<Mutation>> group,
                                                Map<TableName, PreparedBatch> prepared);

    /**
     * Which writers a batch of these tables of {@code database} goes to: batches of one non-empty lane are written one
     * transaction at a time, in arrival order; the empty lane uses {@code --targetWriters} concurrent transactions.
     */
    default String lane(String database, Set<TableName> tables) {
        return "";
    }

    /**
     * In the writer's transaction, which may hold several callers' batches: each table's batches in order. Returns
     * what to do once that transaction committed (not if it failed; a retried transaction writes again).
     */
    Written write(Connection c, Map<TableName, List<PreparedBatch>> byTable) throws SQLException;

    /** What a {@link #write} leaves to do after its transaction committed. Must not fail. */
    @FunctionalInterface
    interface Written {
        void committed();
    }

    /** A source says everything for the schema up to {@code resolved} has been delivered. */
    void resolved(SchemaName schema, Hlc resolved);
}
