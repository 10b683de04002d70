package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.engine.DeadLetters;
import io.cdcsink.engine.OnApplyError;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.ApplyOrder;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.ForeignKeyGraph;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.ValueFormat;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies JSON mutations (CockroachDB changefeed shape: key array, {@code after} object) as upserts and deletes on
 * the caller's transaction.
 *
 * <p>Rows are sparse: a property absent from {@code after} leaves the column alone (existing value on update,
 * DEFAULT on insert), while an explicit JSON null writes NULL. Rows of a batch are therefore grouped by the set of
 * columns they carry and each group is written with its own statement.
 *
 * <p>Each table's apply configuration ({@link ApplyConfigs}) is read on every call, so a reload takes effect on the
 * next batch: renames, ignored properties and the extras column shape the rows here; expressions, compare-and-set
 * and deadlines are part of the statements.
 *
 * <p>Errors that are the input's fault, whether found here or reported by the target (a changefeed value that does
 * not fit its column: SQLState classes 21 and 22), become {@link BadInputException}. A row the target refuses (a
 * constraint, a trigger; for log-based sources any data exception too) is the target's condition: the write fails
 * retryably and the next one of the table goes row by row to name the row in a {@link BlockedException}
 * ({@link RefusedRows}). Other {@link SQLException}s pass through for the caller to retry. A target that is behind
 * the rows (a table or columns it lacks, see {@link SchemaChanges}) is a {@link BlockedException} too.
 */
public final class JsonApplier implements Applier {
    private static final Logger LOG = LoggerFactory.getLogger(JsonApplier.class);

    private final SchemaCatalog catalog;
    private final TargetDialect dialect;
    private final SchemaEvolution evolution;
    private final ApplyConfigs configs;
    private final TargetDialect.Product product;
    private final JsonCodec json;
    private final ApplySql sql;
    private final MutationDecoder decoder;
    private final ApplyMetrics metrics;
    private final ValueFormat format;
    private final RefusedRows refused;
    private final OnApplyError onError;
    private final Optional<DeadLetters> deadLetters;
    /** {@link #textTwin()}: a benign race may make two, which are alike. */
    private volatile JsonApplier text;

    /** Refused rows stop what applies them ({@link OnApplyError#STOP}). */
    public JsonApplier(TargetPools pools, SchemaCatalog catalog, ApplyConfigs configs, PrometheusRegistry registry) {
        this(pools, catalog, configs, registry, OnApplyError.STOP, Optional.empty());
    }

    /**
     * @param onError     what happens to a row the target refuses
     * @param deadLetters where refused rows go under {@link OnApplyError#DEADLETTER}; required for it
     */
    @Inject
    public JsonApplier(TargetPools pools, SchemaCatalog catalog, ApplyConfigs configs, PrometheusRegistry registry,
                       OnApplyError onError, Optional<DeadLetters> deadLetters) {
        if (onError == OnApplyError.DEADLETTER && deadLetters.isEmpty()) {
            throw new IllegalArgumentException("--onApplyError deadletter needs a dead-letter store");
        }
        this.onError = onError;
        this.deadLetters = deadLetters;
        this.catalog = catalog;
        this.dialect = pools.dialect();
        this.evolution = SchemaEvolution.NONE;
        this.configs = configs;
        this.product = pools.dialect().product();
        this.json = new JsonCodec();
        this.format = ValueFormat.CHANGEFEED_JSON;
        this.sql = sql(product, json, format);
        this.decoder = new MutationDecoder(json);
        this.metrics = new ApplyMetrics(registry);
        this.refused = new RefusedRows();
    }

    private JsonApplier(JsonApplier other, ValueFormat format, SchemaEvolution evolution) {
        this.catalog = other.catalog;
        this.dialect = other.dialect;
        this.evolution = evolution;
        this.configs = other.configs;
        this.product = other.product;
        this.json = other.json;
        this.format = format;
        this.sql = sql(product, json, format);
        this.decoder = other.decoder;
        this.metrics = other.metrics;
        this.refused = other.refused;
        this.onError = other.onError;
        this.deadLetters = other.deadLetters;
    }

    private static ApplySql sql(TargetDialect.Product product, JsonCodec json, ValueFormat format) {
        return switch (product) {
            case COCKROACHDB -> new CockroachApplySql(json, format);
            case MYSQL -> new MySqlApplySql(json, format);
            case POSTGRESQL -> new PostgresApplySql(json, format);
        };
    }

    @Override
    public Applier forValues(ValueFormat format) {
        return format == this.format ? this : new JsonApplier(this, format, evolution);
    }

    @Override
    public Applier withSchemaEvolution(SchemaEvolution evolution) {
        return evolution == this.evolution ? this : new JsonApplier(this, format, evolution);
    }

    @Override
    public ApplyResult applyChanges(Connection tx, TableName table, List<RowChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return ApplyResult.EMPTY;
        }
        if (format != ValueFormat.TEXT) {
            return textTwin().applyChanges(tx, table, changes);
        }
        Pending pending = pendingChanges(tx, table, changes);
        return written(table, pending, () -> write(tx, pending, ApplyOrder.Part.ALL));
    }

    @Override
    public Map<TableName, ApplyResult> applyChanges(Connection tx, Map<TableName, List<RowChange>> changes)
            throws SQLException {
        if (format != ValueFormat.TEXT) {
            return textTwin().applyChanges(tx, changes);
        }
        Map<TableName, Pending> pending = new LinkedHashMap<>();
        for (Map.Entry<TableName, List<RowChange>> e : changes.entrySet()) {
            if (!e.getValue().isEmpty()) {
                pending.put(e.getKey(), pendingChanges(tx, e.getKey(), e.getValue()));
            }
        }
        return writeOrdered(tx, pending);
    }

    /** A table's changes decoded, checked and folded, ready to write. */
    private Pending pendingChanges(Connection tx, TableName table, List<RowChange> changes) throws SQLException {
        long start = System.nanoTime();
        return counted(table, () -> {
            List<DecodedMutation> decoded = MutationDecoder.decode(changes);
            TableConfig config = configs.forTable(table);
            TableInfo info = describe(tx, table, config, changes, decoded);
            return new Pending(info, config, MutationDecoder.fold(decoded), start, changes);
        });
    }

    /**
     * Writes a table's pending changes. For a log-based source's rows, a value the target's column type cannot hold
     * from a column whose type differs on the source is a schema change to report with its ALTER, never a row to set
     * aside.
     */
    private <T> T written(TableName table, Pending pending, ApplyBody<T> body) throws SQLException {
        try {
            return counted(table, body);
        } catch (RuntimeException e) {
            if (!pending.changes().isEmpty() && dataException(e)) {
                Optional<SchemaChanges.Change> changed = SchemaChanges.typeChanges(dialect, pending.info(),
                        pending.config(), pending.changes());
                if (changed.isPresent()) {
                    // The casts come from the cached description: the retry after the ALTER must see the new type.
                    catalog.forget(table);
                    refused.clear(table);
                    throw new BlockedException(changed.get().blockage(), e);
                }
            }
            throw e;
        }
    }

    /** Whether the failure is the target's data exception (SQLSTATE class 22: a value its column cannot hold). */
    private static boolean dataException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The table's description for a log-based source's changes, checked against their shapes. What the target lacks
     * is re-checked once against a fresh read; what remains is created in {@code tx} under
     * {@link SchemaEvolution#ADDITIVE} when it only adds, and otherwise reported as a {@link BlockedException}.
     */
    private TableInfo describe(Connection tx, TableName table, TableConfig config, List<RowChange> changes,
                               List<DecodedMutation> decoded) throws SQLException {
        Optional<TableInfo> info = catalog.table(table);
        Optional<SchemaChanges.Change> change = SchemaChanges.ofChanges(dialect, table, info, config, changes);
        if (change.isPresent() || ShapeCheck.problem(table, info, config, decoded).isPresent()) {
            info = catalog.refresh(table);
            change = SchemaChanges.ofChanges(dialect, table, info, config, changes);
        }
        if (change.isPresent()) {
            SchemaChanges.Change c = change.get();
            // The DDL SchemaChanges writes is PostgreSQL's (its types are the source's): on MySQL it stays advice.
            if (evolution != SchemaEvolution.ADDITIVE || c.additive().isEmpty()
                    || product == TargetDialect.Product.MYSQL) {
                throw new BlockedException(c.blockage());
            }
            try (Statement st = tx.createStatement()) {
                for (String ddl : c.additive()) {
                    LOG.info("{}; --schemaEvolution additive runs: {}", c.reason(), ddl);
                    st.execute(ddl);
                }
            }
            info = catalog.refresh(tx, table);
            change = SchemaChanges.ofChanges(dialect, table, info, config, changes);
            if (change.isPresent()) {
                throw new BlockedException(change.get().blockage());
            }
        }
        Optional<String> problem = ShapeCheck.problem(table, info, config, decoded);
        if (problem.isPresent()) {
            throw new BadInputException(problem.get());
        }
        return info.orElseThrow();
    }

    /**
     * One table's folded mutations (one per key) and what they were checked against; a log-based source's changes
     * as they came (their shapes carry the source's types), else empty.
     */
    private record Pending(TableInfo info, TableConfig config, List<DecodedMutation> winners, long start,
                           List<RowChange> changes) {
        Pending(TableInfo info, TableConfig config, List<DecodedMutation> winners, long start) {
            this(info, config, winners, start, List.of());
        }
    }

    @Override
    public ApplyOrder order(String database, List<TableName> tables) {
        return catalog.foreignKeys(database).order(tables);
    }

    /**
     * Writes several tables' folded mutations in their foreign keys' order ({@link ApplyOrder}), deferring
     * deferrable constraints first when there are any among them.
     */
    private Map<TableName, ApplyResult> writeOrdered(Connection tx, Map<TableName, Pending> pending)
            throws SQLException {
        Map<TableName, ApplyResult> out = new LinkedHashMap<>();
        if (pending.isEmpty()) {
            return out;
        }
        List<TableName> tables = new ArrayList<>(pending.keySet());
        ApplyOrder order = order(tables.get(0).database(), tables);
        if (order.deferConstraints()) {
            deferConstraints(tx);
        }
        for (ApplyOrder.Step step : order.steps()) {
            Pending p = pending.get(step.table());
            // A table written in two steps counts its time from its first.
            Pending timed = step.part() == ApplyOrder.Part.DELETES
                    ? new Pending(p.info(), p.config(), p.winners(), System.nanoTime(), p.changes()) : p;
            out.merge(step.table(), written(step.table(), timed, () -> write(tx, timed, step.part())),
                    ApplyResult::plus);
        }
        return out;
    }

    /**
     * Moves the check of every deferrable constraint of the transaction to its commit: what a foreign-key order
     * cannot settle (a cycle of tables, rows referencing each other) is then checked once all rows are in.
     */
    static void deferConstraints(Connection tx) throws SQLException {
        try (Statement s = tx.createStatement()) {
            s.execute("SET CONSTRAINTS ALL DEFERRED");
        }
    }

    /** Runs an apply, counting a failure and saying whose fault it is ({@link #translate}). */
    private <T> T counted(TableName table, ApplyBody<T> body) throws SQLException {
        try {
            return body.apply();
        } catch (SQLException e) {
            metrics.failure(table);
            if (RefusedRows.missingParent(e)) {
                // The foreign keys may have changed since they were read: the order of writes follows them.
                catalog.refresh(table);
            }
            if (RefusedRows.refusal(e, format)) {
                throw refused.refusedSomewhere(table, e);
            }
            throw translate(table, e);
        } catch (RuntimeException e) {
            metrics.failure(table);
            throw e;
        }
    }

    @FunctionalInterface
    private interface ApplyBody<T> {
        T apply() throws SQLException;
    }

    /** This applier for {@link ValueFormat#TEXT} values, made once. */
    private JsonApplier textTwin() {
        JsonApplier twin = text;
        if (twin == null) {
            twin = new JsonApplier(this, ValueFormat.TEXT, evolution);
            text = twin;
        }
        return twin;
    }

    @Override
    public void validate(Connection tx, TableName table, List<Mutation> mutations) throws SQLException {
        if (!mutations.isEmpty()) {
            validatePrepared(tx, decode(table, mutations));
        }
    }

    @Override
    public void validatePrepared(Connection tx, PreparedBatch batch) throws SQLException {
        if (batch.mutations().isEmpty()) {
            return;
        }
        Decoded prepared = batch instanceof Decoded mine ? mine : decode(batch.table(), batch.mutations());
        TableName table = prepared.table();
        TableInfo info = prepared.info();
        RowMapper mapper = new RowMapper(info, prepared.config());
        List<ArrayNode> keys = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (DecodedMutation m : prepared.decoded()) {
            if (m.isDelete()) {
                keys.add(m.key());
            } else {
                rows.add(mapper.map(m.after().orElseThrow()));
            }
        }
        try {
            for (int i = 0; i < rows.size(); i += PostgresApplySql.MAX_ROWS) {
                sql.checkValues(tx, info, rows.subList(i, Math.min(rows.size(), i + PostgresApplySql.MAX_ROWS)),
                        List.of());
            }
            for (int i = 0; i < keys.size(); i += PostgresApplySql.MAX_ROWS) {
                sql.checkValues(tx, info, List.of(),
                        keys.subList(i, Math.min(keys.size(), i + PostgresApplySql.MAX_ROWS)));
            }
        } catch (SQLException e) {
            throw translate(table, e);
        }
    }

    @Override
    public ApplyResult apply(Connection tx, TableName table, List<Mutation> mutations) throws SQLException {
        if (mutations.isEmpty()) {
            return ApplyResult.EMPTY;
        }
        return applyPrepared(tx, table, List.of(prepare(table, mutations)));
    }

    @Override
    public PreparedBatch prepare(TableName table, List<Mutation> mutations) {
        if (mutations.isEmpty()) {
            return PreparedBatch.of(table, mutations);
        }
        try {
            return decode(table, mutations);
        } catch (RuntimeException e) {
            metrics.failure(table);
            throw e;
        }
    }

    private Decoded decode(TableName table, List<Mutation> mutations) {
        long start = System.nanoTime();
        List<DecodedMutation> decoded = decoder.decode(table, mutations);
        TableConfig config = configs.forTable(table);
        return new Decoded(table, mutations, decoded, config, describe(table, config, decoded),
                System.nanoTime() - start);
    }

    @Override
    public ApplyResult applyPrepared(Connection tx, TableName table, List<PreparedBatch> batches)
            throws SQLException {
        Pending pending = pendingPrepared(table, batches, System.nanoTime());
        return pending == null ? ApplyResult.EMPTY : counted(table, () -> write(tx, pending, ApplyOrder.Part.ALL));
    }

    @Override
    public Map<TableName, ApplyResult> applyPrepared(Connection tx, Map<TableName, List<PreparedBatch>> batches)
            throws SQLException {
        long called = System.nanoTime();
        Map<TableName, Pending> pending = new LinkedHashMap<>();
        for (Map.Entry<TableName, List<PreparedBatch>> e : batches.entrySet()) {
            Pending p = pendingPrepared(e.getKey(), e.getValue(), called);
            if (p != null) {
                pending.put(e.getKey(), p);
            }
        }
        return writeOrdered(tx, pending);
    }

    /** A table's prepared batches folded, ready to write; null when they hold no mutation. */
    private Pending pendingPrepared(TableName table, List<PreparedBatch> batches, long called) throws SQLException {
        return counted(table, () -> {
            long start = called; // less the time its batches spent being decoded ahead
            List<Decoded> ready = new ArrayList<>(batches.size());
            int rows = 0;
            for (PreparedBatch b : batches) {
                if (b.mutations().isEmpty()) {
                    continue;
                }
                Decoded d = b instanceof Decoded mine && mine.table().equals(table) ? mine
                        : decode(table, b.mutations());
                ready.add(d);
                rows += d.decoded().size();
                start -= d.decodingNanos();
            }
            if (ready.isEmpty()) {
                return null;
            }
            // The newest description and configuration serve all; a batch prepared under others is checked again.
            Decoded newest = ready.get(ready.size() - 1);
            List<DecodedMutation> all = new ArrayList<>(rows);
            for (Decoded d : ready) {
                if (d.info() != newest.info() || d.config() != newest.config()) {
                    describe(table, newest.config(), d.decoded());
                }
                all.addAll(d.decoded());
            }
            return new Pending(newest.info(), newest.config(), MutationDecoder.fold(all), start);
        });
    }

    /** What {@link #prepare} works out: the decoded mutations and the table they were checked against. */
    private record Decoded(TableName table, List<Mutation> mutations, List<DecodedMutation> decoded,
                           TableConfig config, TableInfo info, long decodingNanos) implements PreparedBatch {
    }

    /**
     * The table's description, checked against the mutations. The cached description may predate DDL (a new table
     * or column), so a mismatch is re-checked once against a fresh read before it is reported.
     */
    private TableInfo describe(TableName table, TableConfig config, List<DecodedMutation> decoded) {
        Optional<TableInfo> info = catalog.table(table);
        Optional<String> problem = ShapeCheck.problem(table, info, config, decoded);
        if (problem.isPresent()) {
            info = catalog.refresh(table);
            problem = ShapeCheck.problem(table, info, config, decoded);
        }
        if (problem.isPresent()) {
            // A table or column the target lacks is the target's lag, not the input's fault: the sender retries. Rows
            // that would be wrong even once the target caught up (a key column missing, say) are the input's fault.
            Optional<SchemaChanges.Change> behind = SchemaChanges.ofMutations(dialect, table, info, config, decoded);
            if (behind.isPresent()) {
                if (info.isEmpty()) {
                    catalog.requireSchema(table.schemaName()); // a schema the target lacks is a misaddressed feed
                } else {
                    problem = ShapeCheck.problemBesidesUnknownColumns(table, info, config, decoded);
                }
                if (info.isEmpty() || problem.isEmpty()) {
                    throw new BlockedException(behind.get().blockage());
                }
            }
            throw new BadInputException(problem.get());
        }
        return info.orElseThrow();
    }

    /**
     * Writes the part of a table's folded mutations ({@link #writeAll}), under {@code --onApplyError}: keys with a dead
     * letter stay behind it, and while the table is suspect ({@link RefusedRows}) rows go one at a time. One at a
     * time, a row a foreign key refuses may only need a row of the same write that comes later (a parent, or a child
     * deleted after it): such rows are tried again after the others, and are refused only when a round writes none.
     */
    private ApplyResult write(Connection tx, Pending pending, ApplyOrder.Part part) throws SQLException {
        TableInfo info = pending.info();
        TableConfig config = pending.config();
        long start = pending.start();
        List<DecodedMutation> winners = pending.winners();
        if (part != ApplyOrder.Part.ALL) {
            winners = new ArrayList<>(winners.size());
            for (DecodedMutation m : pending.winners()) {
                if (m.isDelete() ? part.deletes() : part.upserts()) {
                    winners.add(m);
                }
            }
        }
        List<DecodedMutation> writing = winners;
        long lettered = 0;
        if (onError == OnApplyError.DEADLETTER) {
            // A key with a dead letter keeps its later changes behind it, so retrying them in order ends right.
            Set<String> held = deadLetters.orElseThrow().keysWithLetters(tx, info.name(), keysOf(winners));
            if (!held.isEmpty()) {
                writing = new ArrayList<>(winners.size());
                for (DecodedMutation m : winners) {
                    if (held.contains(m.keyText())) {
                        setAside(tx, info.name(), m, "an earlier change of this key is in dead_letters",
                                Optional.empty());
                        lettered++;
                    } else {
                        writing.add(m);
                    }
                }
            }
        }
        if (!refused.suspect(info.name())) {
            return writeAll(tx, info, config, writing, start).plus(new ApplyResult(0, 0, lettered));
        }
        // The last write of the table failed on a row the target refused: one row at a time, to find and name it
        // (or, under --onApplyError deadletter, to set it aside and write the others).
        ApplyResult done = new ApplyResult(0, 0, lettered);
        List<DecodedMutation> round = writing;
        List<ForeignKeyGraph.ForeignKey> selfReferences = catalog.foreignKeys(info.name().database())
                .selfReferences(info.name());
        if (!selfReferences.isEmpty()) {
            // Parents first, so a chain of new rows takes one round, not one round per row.
            RowMapper mapper = new RowMapper(info, config);
            List<DecodedMutation> upserts = new ArrayList<>();
            List<DecodedMutation> deletes = new ArrayList<>();
            for (DecodedMutation m : writing) {
                (m.isDelete() ? deletes : upserts).add(m);
            }
            round = new ArrayList<>(ParentsFirst.order(upserts, m -> mapper.map(m.after().orElseThrow()),
                    selfReferences));
            round.addAll(deletes);
        }
        while (!round.isEmpty()) {
            List<DecodedMutation> later = new ArrayList<>();
            List<SQLException> laterErrors = new ArrayList<>();
            for (DecodedMutation m : round) {
                Savepoint before = tx.setSavepoint();
                try {
                    done = done.plus(writeAll(tx, info, config, List.of(m), System.nanoTime()));
                    tx.releaseSavepoint(before);
                } catch (SQLException e) {
                    if (!RefusedRows.refusal(e, format)) {
                        throw e;
                    }
                    tx.rollback(before);
                    if (RefusedRows.missingParent(e) && round.size() > 1) {
                        later.add(m);
                        laterErrors.add(e);
                        continue;
                    }
                    done = done.plus(refuse(tx, info, m, e));
                }
            }
            if (later.size() == round.size()) {
                // No row of the round went in: what the foreign keys refuse does not depend on this write.
                for (int i = 0; i < later.size(); i++) {
                    done = done.plus(refuse(tx, info, later.get(i), laterErrors.get(i)));
                }
                break;
            }
            round = later;
        }
        refused.clear(info.name());
        return done;
    }

    /**
     * A row the target refused: it stops the write, or goes to the dead letters (never a row a foreign key refuses:
     * its parent may still be on its way, {@link RefusedRows#missingParent}).
     */
    private ApplyResult refuse(Connection tx, TableInfo info, DecodedMutation m, SQLException e)
            throws SQLException {
        if (onError == OnApplyError.STOP || RefusedRows.missingParent(e)) {
            throw RefusedRows.blocked(info.name(), m.keyText(), e);
        }
        setAside(tx, info.name(), m, RefusedRows.firstLine(e), Optional.ofNullable(e.getSQLState()));
        return new ApplyResult(0, 0, 1);
    }

    private static List<String> keysOf(List<DecodedMutation> mutations) {
        List<String> keys = new ArrayList<>(mutations.size());
        for (DecodedMutation m : mutations) {
            keys.add(m.keyText());
        }
        return keys;
    }

    /** Puts a refused row in the dead letters, in the write's transaction, as it came from the source. */
    private void setAside(Connection tx, TableName table, DecodedMutation m, String error, Optional<String> state)
            throws SQLException {
        deadLetters.orElseThrow().record(tx, table, m.keyText(), m.time(),
                m.after().map(row -> row.tree().toString()), format, error, state);
        metrics.deadLettered(table);
    }

    /**
     * Writes folded mutations: deletes, then upserts. The rows of a table that references itself go parents first
     * ({@link ParentsFirst}), in statements that keep that order, and on PostgreSQL its deletes in one statement (a
     * delete carries only its key, so children cannot be put first; a foreign key is checked at the end of the
     * statement).
     */
    private ApplyResult writeAll(Connection tx, TableInfo info, TableConfig config, List<DecodedMutation> winners,
                                 long start) throws SQLException {
        List<ForeignKeyGraph.ForeignKey> selfReferences = catalog.foreignKeys(info.name().database())
                .selfReferences(info.name());
        RowMapper mapper = new RowMapper(info, config);
        List<ArrayNode> deletes = new ArrayList<>();
        List<Row> upserts = new ArrayList<>(winners.size());
        List<DecodedMutation> moved = null;
        for (DecodedMutation m : winners) {
            if (m.isDelete()) {
                deletes.add(m.key());
                continue;
            }
            Row row = mapper.map(m.after().orElseThrow());
            if (m.origin().isPresent() && !fillable(info, config, row).isEmpty()) {
                if (moved == null) {
                    moved = new ArrayList<>();
                }
                moved.add(new DecodedMutation(m.time(), m.keyText(), m.key(), Optional.of(row), m.origin()));
                continue;
            }
            upserts.add(row);
        }
        if (moved != null) {
            // Before anything is deleted: the origins are rows this batch may delete.
            upserts.addAll(fillFromOrigins(tx, info, config, moved));
        }
        List<Map.Entry<List<ColumnInfo>, List<Row>>> upsertGroups = selfReferences.isEmpty()
                ? groups(mapper, upserts) : runs(mapper, ParentsFirst.order(upserts, selfReferences));
        long deleted = 0;
        int keyChunk = !selfReferences.isEmpty() && product == TargetDialect.Product.POSTGRESQL
                ? Math.max(1, deletes.size()) : sql.maxRowsPerStatement(info.primaryKey().size());
        for (int i = 0; i < deletes.size(); i += keyChunk) {
            deleted += sql.delete(tx, info, config, deletes.subList(i, Math.min(deletes.size(), i + keyChunk)));
        }
        long upserted = 0;
        long copied = 0;
        long casDiscarded = 0;
        long deadlineDiscarded = 0;
        for (Map.Entry<List<ColumnInfo>, List<Row>> group : upsertGroups) {
            List<Row> rows = group.getValue();
            if (sql.insertNew(tx, info, config, group.getKey(), rows)) {
                upserted += rows.size();
                copied += rows.size();
                continue;
            }
            int chunk = sql.maxRowsPerStatement(group.getKey().size());
            for (int i = 0; i < rows.size(); i += chunk) {
                ApplySql.Upserted done = sql.upsert(tx, info, config, group.getKey(),
                        rows.subList(i, Math.min(rows.size(), i + chunk)));
                upserted += done.written();
                casDiscarded += done.casDiscarded();
                deadlineDiscarded += done.deadlineDiscarded();
            }
        }
        metrics.success(info.name(), upserted, copied, deleted, System.nanoTime() - start);
        metrics.discarded(info.name(), casDiscarded, deadlineDiscarded);
        return new ApplyResult(upserted, deleted);
    }

    /** Rows that carry the same columns share a statement; LinkedHashMap keeps the batch order stable. */
    private static List<Map.Entry<List<ColumnInfo>, List<Row>>> groups(RowMapper mapper, List<Row> rows) {
        Map<List<ColumnInfo>, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            groups.computeIfAbsent(mapper.written(row), k -> new ArrayList<>()).add(row);
        }
        return new ArrayList<>(groups.entrySet());
    }

    /** Consecutive rows that carry the same columns share a statement, so the statements keep the rows' order. */
    private static List<Map.Entry<List<ColumnInfo>, List<Row>>> runs(RowMapper mapper, List<Row> rows) {
        List<Map.Entry<List<ColumnInfo>, List<Row>>> runs = new ArrayList<>();
        for (Row row : rows) {
            List<ColumnInfo> written = mapper.written(row);
            Map.Entry<List<ColumnInfo>, List<Row>> last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.getKey().equals(written)) {
                last.getValue().add(row);
            } else {
                List<Row> run = new ArrayList<>();
                run.add(row);
                runs.add(Map.entry(written, run));
            }
        }
        return runs;
    }

    /**
     * The columns a mapped row leaves out that it could take from another row of the table: written ones (not
     * generated), not computed by an expression (the stored value is the expression's result already) and not part
     * of the key.
     */
    private static List<ColumnInfo> fillable(TableInfo info, TableConfig config, Row mapped) {
        List<ColumnInfo> out = new ArrayList<>();
        for (ColumnInfo c : info.columns()) {
            if (!c.generated() && !c.primaryKey() && config.expr(c.name()).isEmpty() && !mapped.has(c.name())) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Moved rows (their {@code after} already mapped to target columns) completed with the values their origin rows
     * hold in the target for the columns they leave out. A row whose origin the target does not hold stays as it is.
     */
    private List<Row> fillFromOrigins(Connection tx, TableInfo info, TableConfig config, List<DecodedMutation> moved)
            throws SQLException {
        List<ColumnInfo> columns = info.columns().stream()
                .filter(c -> !c.generated() && !c.primaryKey() && config.expr(c.name()).isEmpty()).toList();
        List<DecodedMutation.Key> origins = moved.stream().map(m -> m.origin().orElseThrow()).toList();
        Map<Integer, List<JsonNode>> found = new HashMap<>();
        int chunk = sql.maxRowsPerStatement(info.primaryKey().size() + 1);
        for (int i = 0; i < origins.size(); i += chunk) {
            int from = i;
            sql.readRows(tx, info, config, columns, origins.subList(i, Math.min(origins.size(), i + chunk)))
                    .forEach((index, values) -> found.put(from + index, values));
        }
        List<Row> out = new ArrayList<>(moved.size());
        for (int i = 0; i < moved.size(); i++) {
            Row row = moved.get(i).after().orElseThrow();
            List<JsonNode> values = found.get(i);
            if (values == null) {
                out.add(row);
                continue;
            }
            ObjectNode filled = row.tree().deepCopy();
            for (int c = 0; c < columns.size(); c++) {
                if (!row.has(columns.get(c).name())) {
                    filled.set(columns.get(c).name(), values.get(c));
                }
            }
            out.add(Row.of(filled));
        }
        return out;
    }

    private SQLException translate(TableName table, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("21") || state.startsWith("22") || state.startsWith("23")) {
            // 23 only from the value check before staging; a write's constraint violation is a RefusedRows refusal.
            throw new BadInputException("table " + table + ": the target rejected the data: " + e.getMessage(), e);
        }
        if (state.startsWith("42")) {
            // Undefined column/table or a type mismatch usually means DDL raced our cached description: reread it
            // so the caller's retry uses the new shape.
            catalog.refresh(table);
        }
        return e;
    }
}
