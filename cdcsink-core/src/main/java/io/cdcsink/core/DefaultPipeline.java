package io.cdcsink.core;

import io.cdcsink.api.Applier;
import io.cdcsink.api.ApplyResult;
import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.Checkpoints;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline behind every source. Consistent mode validates a batch against the target tables, then stages it in
 * one transaction per target database; the resolver applies it later. Immediate mode applies the batch in one
 * transaction per target database.
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
                inTransaction(e.getKey(), e.getValue());
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

    private void inTransaction(String database, Map<TableName, List<Mutation>> group) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pools.forDatabase(database).getConnection()) {
                c.setAutoCommit(false);
                Map<TableName, ApplyResult> applied = config.immediate() ? new HashMap<>() : Map.of();
                try {
                    for (Map.Entry<TableName, List<Mutation>> e : group.entrySet()) {
                        if (config.immediate()) {
                            applied.put(e.getKey(), applier.apply(c, e.getKey(), e.getValue()));
                        } else {
                            // Whatever is staged must be appliable later: bad input fails here, and the rollback
                            // below leaves nothing of the batch behind.
                            applier.validate(c, e.getKey(), e.getValue());
                            stager.stage(c, e.getKey(), e.getValue());
                        }
                    }
                    c.commit();
                    applied.forEach((t, r) -> recorder.applied(t, ReplicationRecorder.Mode.IMMEDIATE, r));
                    return;
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
