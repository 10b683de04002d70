package io.cdcsink.core;

import io.cdcsink.engine.Applier;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.TargetBlockedException;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.engine.Blockage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline behind every source. A batch is split by target database and prepared by the applier; its
 * {@link PipelineMode} then stages it for the resolver (consistent mode) or applies it (immediate mode), in one
 * transaction per target database. Batches for one database that arrive while its {@code --targetWriters}
 * transactions are busy share the next one ({@link GroupCommit}); each batch stays all or nothing.
 */
public final class DefaultPipeline implements Pipeline {
    private final TargetConfig config;
    private final TargetPools pools;
    private final Applier applier;
    private final PipelineMode mode;
    /** For {@link #acceptImmediately} when the mode stages: made on first use. */
    private final Provider<ImmediateMode> immediateMode;
    private final TargetTransactions transactions;
    private final Counter accepted;
    private final ReplicationRecorder recorder;
    private final Map<String, GroupCommit<Map<TableName, PreparedBatch>>> writers = new ConcurrentHashMap<>();

    @Inject
    DefaultPipeline(TargetConfig config, TargetPools pools, Applier applier, PipelineMode mode,
                    Provider<ImmediateMode> immediateMode, TargetTransactions transactions,
                    PrometheusRegistry registry, ReplicationRecorder recorder) {
        this.config = config;
        this.pools = pools;
        this.applier = applier;
        this.mode = mode;
        this.immediateMode = immediateMode;
        this.transactions = transactions;
        this.recorder = recorder;
        this.accepted = Counter.builder().withoutExemplars().name("pipeline_mutations_total")
                .help("Mutations accepted by the pipeline").labelNames("database", "schema", "table", "mode")
                .register(registry);
    }

    @Override
    public void requireTarget(SchemaName schema) {
        try (Connection c = pools.forDatabase(schema.database()).getConnection()) {
            pools.dialect().requireSchema(c, schema);
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not look up target schema " + schema + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean immediate() {
        return mode.immediate();
    }

    @Override
    public void accept(Map<TableName, List<Mutation>> batch) {
        accept(batch, mode);
    }

    @Override
    public void acceptImmediately(Map<TableName, List<Mutation>> batch) {
        accept(batch, mode.immediate() ? mode : immediateMode.get());
    }

    private void accept(Map<TableName, List<Mutation>> batch, PipelineMode mode) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, Map<TableName, List<Mutation>>> byDatabase = new LinkedHashMap<>();
        batch.forEach((table, muts) -> {
            if (!muts.isEmpty()) {
                byDatabase.computeIfAbsent(table.database(), d -> new LinkedHashMap<>()).put(table, muts);
            }
        });
        for (Map.Entry<String, Map<TableName, List<Mutation>>> e : byDatabase.entrySet()) {
            try {
                write(e.getKey(), e.getValue(), mode);
            } catch (RuntimeException ex) {
                e.getValue().keySet().stream().map(TableName::schemaName).distinct()
                        .forEach(s -> recorder.schemaFailed(s, mode.recorded(), String.valueOf(ex.getMessage())));
                Optional<Blockage> blockage = BlockedException.in(ex);
                if (blockage.isPresent()) {
                    recorder.blocked(scope(blockage.get().table().orElse(null), e.getKey()), blockage.get());
                    throw new TargetBlockedException(blockage.get().line(), ex);
                }
                throw ex;
            }
            e.getValue().keySet().forEach(t -> recorder.cleared(scope(t, t.database())));
            recorder.cleared(scope(null, e.getKey())); // a blockage of the whole database (out of space)
        }
        batch.forEach((t, muts) -> accepted.labelValues(t.database(), t.schema(), t.table(), mode.metricLabel())
                .inc(muts.size()));
    }

    /** What waits when a write is blocked: the table's writes, or the database's when no table is named. */
    private static String scope(TableName table, String database) {
        return table != null ? "table " + table : "database " + database;
    }

    private void write(String database, Map<TableName, List<Mutation>> group, PipelineMode mode) {
        // Whatever needs no transaction happens here, on the caller's thread, before the batch waits for a writer.
        Map<TableName, PreparedBatch> prepared = new LinkedHashMap<>();
        // Nothing here holds a pooled connection while it waits for another (first-use DDL, loading apply_config,
        // describing a table): with every connection held by a caller so waiting, none would ever come free.
        group.forEach((table, mutations) -> prepared.put(table, applier.prepare(table, mutations)));
        Map<TableName, PreparedBatch> ready = mode.beforeWriting(database, group, prepared);
        String lane = mode.lane(database, ready.keySet());
        // Batches of the two modes (a request with ?immediate=true while staging) never share a transaction.
        String writer = database + (mode == this.mode ? "" : "\u0000immediate")
                + (lane.isEmpty() ? "" : "\u0000" + lane);
        writers.computeIfAbsent(writer, key -> new GroupCommit<>(lane.isEmpty() ? config.writers() : 1,
                DefaultPipeline::rows, batches -> commit(database, batches, mode))).write(ready);
    }

    private static long rows(Map<TableName, PreparedBatch> batch) {
        long rows = 0;
        for (PreparedBatch b : batch.values()) {
            rows += b.mutations().size();
        }
        return rows;
    }

    /** One transaction for the batches, which may come from several callers. */
    private void commit(String database, List<Map<TableName, PreparedBatch>> batches, PipelineMode mode) {
        Map<TableName, List<PreparedBatch>> byTable = new LinkedHashMap<>();
        for (Map<TableName, PreparedBatch> batch : batches) {
            batch.forEach((table, b) -> byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(b));
        }
        transactions.run(database, c -> mode.write(c, byTable)).committed();
    }

    @Override
    public void resolved(SchemaName schema, Hlc resolved) {
        mode.resolved(schema, resolved);
    }
}
