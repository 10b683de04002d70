package io.cdcsink.core;

import io.cdcsink.api.Applier;
import io.cdcsink.api.ApplyResult;
import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.Checkpoints;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.PreparedBatch;
import io.cdcsink.api.ReplicationRecorder;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.Stager;
import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetPools;
import io.cdcsink.api.TargetUnavailableException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline behind every source. Consistent mode validates a batch against the target tables, then stages it in
 * one transaction per target database; the resolver applies it later. Immediate mode applies the batch in one
 * transaction per target database. Batches for one database that arrive while its {@code --targetWriters}
 * transactions are busy share the next one ({@link GroupCommit}); each batch stays all or nothing.
 */
public final class DefaultPipeline implements Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultPipeline.class);
    private static final int MAX_ATTEMPTS = 5;

    private final TargetConfig config;
    private final TargetPools pools;
    private final Applier applier;
    private final Stager stager;
    private final Checkpoints checkpoints;
    private final Counter accepted;
    private final Counter resolvedIgnored;
    private final ReplicationRecorder recorder;
    private final Map<String, GroupCommit<Map<TableName, PreparedBatch>>> writers = new ConcurrentHashMap<>();

    @Inject
    public DefaultPipeline(TargetConfig config, TargetPools pools, Applier applier, Stager stager,
                           Checkpoints checkpoints, PrometheusRegistry registry, ReplicationRecorder recorder) {
        this.config = config;
        this.recorder = recorder;
        this.pools = pools;
        this.applier = applier;
        this.stager = stager;
        this.checkpoints = checkpoints;
        this.accepted = Counter.builder().withoutExemplars().name("pipeline_mutations_total")
                .help("Mutations accepted by the pipeline").labelNames("database", "schema", "table", "mode")
                .register(registry);
        this.resolvedIgnored = Counter.builder().withoutExemplars().name("pipeline_resolved_ignored_total")
                .help("Resolved timestamps ignored in immediate mode").register(registry);
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
        return config.immediate();
    }

    @Override
    public void accept(Map<TableName, List<Mutation>> batch) {
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
                write(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                e.getValue().keySet().stream().map(TableName::schemaName).distinct()
                        .forEach(s -> recorder.schemaFailed(s, mode(), String.valueOf(ex.getMessage())));
                throw ex;
            }
        }
        String mode = config.immediate() ? "immediate" : "staged";
        batch.forEach((t, muts) -> accepted.labelValues(t.database(), t.schema(), t.table(), mode).inc(muts.size()));
    }

    private ReplicationRecorder.Mode mode() {
        return config.immediate() ? ReplicationRecorder.Mode.IMMEDIATE : ReplicationRecorder.Mode.CONSISTENT;
    }

    private void write(String database, Map<TableName, List<Mutation>> group) {
        // Whatever needs no transaction happens here, on the caller's thread, before the batch waits for a writer.
        Map<TableName, PreparedBatch> prepared = new LinkedHashMap<>();
        // Nothing here holds a pooled connection while it waits for another (first-use DDL, loading apply_config,
        // describing a table): with every connection held by a caller so waiting, none would ever come free.
        group.forEach((table, mutations) -> prepared.put(table, applier.prepare(table, mutations)));
        if (!config.immediate()) {
            // Whatever is staged must be appliable later: bad input fails here, before anything is staged. Checking
            // only reads, so a batch that then shares a staging transaction with others is already known to be good.
            inTransaction(database, c -> {
                for (PreparedBatch batch : prepared.values()) {
                    applier.validatePrepared(c, batch);
                }
                return Map.of();
            });
            // Staging needs the mutations only; the staging tables exist before a writer's transaction opens.
            for (TableName table : group.keySet()) {
                prepareStaging(table);
                prepared.put(table, PreparedBatch.of(table, group.get(table)));
            }
        }
        writers.computeIfAbsent(database, d -> new GroupCommit<>(config.writers(), DefaultPipeline::rows,
                batches -> commit(d, batches))).write(prepared);
    }

    private void prepareStaging(TableName table) {
        try {
            stager.prepare(table);
        } catch (SQLException e) {
            throw SqlErrors.classify("could not prepare staging for " + table, e);
        }
    }

    private static long rows(Map<TableName, PreparedBatch> batch) {
        long rows = 0;
        for (PreparedBatch b : batch.values()) {
            rows += b.mutations().size();
        }
        return rows;
    }

    /** One transaction for the batches, which may come from several callers. */
    private void commit(String database, List<Map<TableName, PreparedBatch>> batches) {
        Map<TableName, List<PreparedBatch>> byTable = new LinkedHashMap<>();
        for (Map<TableName, PreparedBatch> batch : batches) {
            batch.forEach((table, b) -> byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(b));
        }
        Map<TableName, ApplyResult> applied = inTransaction(database,
                c -> config.immediate() ? apply(c, byTable) : stage(c, byTable));
        if (!config.immediate()) {
            byTable.forEach((table, staged) -> stager.committed(table, PreparedBatch.mutationsOf(staged)));
        }
        applied.forEach((t, r) -> recorder.applied(t, ReplicationRecorder.Mode.IMMEDIATE, r));
    }

    private Map<TableName, ApplyResult> apply(Connection c, Map<TableName, List<PreparedBatch>> byTable)
            throws SQLException {
        Map<TableName, ApplyResult> applied = new HashMap<>();
        for (Map.Entry<TableName, List<PreparedBatch>> e : byTable.entrySet()) {
            applied.put(e.getKey(), applier.applyPrepared(c, e.getKey(), e.getValue()));
        }
        return applied;
    }

    private Map<TableName, ApplyResult> stage(Connection c, Map<TableName, List<PreparedBatch>> byTable)
            throws SQLException {
        for (Map.Entry<TableName, List<PreparedBatch>> e : byTable.entrySet()) {
            stager.stage(c, e.getKey(), PreparedBatch.mutationsOf(e.getValue()));
        }
        return Map.of();
    }

    /** Work on one target transaction; what it returns is handed back after the commit. */
    @FunctionalInterface
    private interface Work {
        Map<TableName, ApplyResult> run(Connection c) throws SQLException;
    }

    private Map<TableName, ApplyResult> inTransaction(String database, Work work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pools.forDatabase(database).getConnection()) {
                c.setAutoCommit(false);
                try {
                    Map<TableName, ApplyResult> done = work.run(c);
                    c.commit();
                    return done;
                } catch (SQLException | RuntimeException ex) {
                    rollbackQuietly(c);
                    throw ex;
                }
            } catch (SQLException ex) {
                if (SqlErrors.retryable(ex) && attempt < MAX_ATTEMPTS) {
                    LOG.debug("retrying transaction on {} after {}", database, ex.getSQLState());
                    continue;
                }
                throw SqlErrors.classify("could not write to database " + database, ex);
            } catch (CdcSinkException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw new TargetUnavailableException("could not write to database " + database + ": " + ex, ex);
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it and the transaction is gone with it.
        }
    }

    @Override
    public void resolved(SchemaName schema, Hlc resolved) {
        if (config.immediate()) {
            resolvedIgnored.inc();
            return;
        }
        try {
            checkpoints.mark(schema, resolved);
        } catch (RuntimeException e) {
            recorder.schemaFailed(schema, ReplicationRecorder.Mode.CONSISTENT, String.valueOf(e.getMessage()));
            throw e;
        }
    }
}
