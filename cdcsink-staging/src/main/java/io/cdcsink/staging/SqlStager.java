package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.MetadataSchema;
import io.cdcsink.engine.MutationHandler;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Stager;
import io.cdcsink.engine.TargetDialect;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stages mutations in one table per target table inside cdc-sink's schema of the target's own database
 * ({@link MetadataSchema}), keyed by (nanos, logical, key). Deletes are stored as JSON {@code null}. Which staging
 * table holds which target table's mutations is registered in {@value #STAGED_TABLES}, in the same DDL transaction that
 * creates the staging table, so a registered name always has its table; the stager alone reads and writes both.
 */
public final class SqlStager implements Stager {
    public static final String STAGED_TABLES = "staged_tables";

    /** Rows per INSERT statement: keeps arrays and statement memory bounded for very large batches. */
    private static final int STAGE_CHUNK = 2000;
    /**
     * At most this much memory for the mutations kept until their window is applied (see {@link StagedCache}), and at
     * most an eighth of the heap: 64 MiB is about 250,000 rows of 100 characters; a backlog beyond it is read from
     * the staging tables.
     */
    static final long MAX_CACHED_BYTES = 64L << 20;

    private final MetadataSchema area;
    private final ResolvedTimestamps timestamps;
    private final StagingSql sql;
    private final Map<TableName, String> stagingTables = new ConcurrentHashMap<>();
    /** Staging tables this process has drained once, removing rows older than the window too (the strays). */
    private final Set<String> swept = ConcurrentHashMap.newKeySet();
    private final StagedCache cache = new StagedCache(Math.min(MAX_CACHED_BYTES,
            Runtime.getRuntime().maxMemory() / 8));
    private final Counter staged;
    private final Counter skipped;
    private final Counter drained;
    private final Counter fromMemory;
    private final Histogram duration;

    @Inject
    public SqlStager(TargetDialect dialect, MetadataSchema area, ResolvedTimestamps timestamps,
                     PrometheusRegistry registry) {
        this.area = area;
        this.timestamps = timestamps;
        this.sql = StagingSql.of(dialect.product());
        String[] labels = {"database", "schema", "table"};
        staged = Counter.builder().withoutExemplars().name("stage_mutations_total")
                .help("Mutations written to staging tables").labelNames(labels).register(registry);
        skipped = Counter.builder().withoutExemplars().name("stage_skipped_mutations_total")
                .help("Mutations not staged because their window was already applied (redelivery)")
                .labelNames(labels).register(registry);
        drained = Counter.builder().withoutExemplars().name("stage_drained_mutations_total")
                .help("Staged mutations handed to the applier").labelNames(labels).register(registry);
        fromMemory = Counter.builder().withoutExemplars().name("stage_windows_from_memory_total")
                .help("Windows of a table read (ahead or in their transaction) from the mutations this process"
                        + " staged, instead of from the staging table").labelNames(labels).register(registry);
        duration = Histogram.builder().withoutExemplars().name("stage_duration_seconds")
                .help("Time to stage one batch of mutations for a table").labelNames(labels).register(registry);
    }

    /** Creates and registers the table's staging table unless this instance already knows it. */
    @Override
    public void prepare(TableName table) throws SQLException {
        stagingTable(table);
    }

    /**
     * Stores the mutations; duplicates of a (time, key) within the batch collapse to the last one. Mutations at or
     * before the schema's last applied resolved timestamp are skipped and counted: after a restart a changefeed
     * redelivers from its last checkpoint, and those changes are already in the target; staging them would leave
     * rows no window ever drains (or, worse, replay an old value over a newer one in the next window).
     *
     * <p>The first time a table is seen, its staging table is created and registered on a second connection of the
     * same pool (so the DDL commits even if the caller rolls back), unless {@link #prepare} did it before.
     */
    @Override
    public void stage(Connection tx, TableName table, List<Mutation> mutations) throws SQLException {
        if (mutations.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        String stagingTable = stagingTable(table);
        Optional<Hlc> applied = timestamps.lastApplied(tx, table.schemaName());
        Map<TimeKey, Mutation> unique = new LinkedHashMap<>();
        long late = 0;
        for (Mutation m : mutations) {
            if (applied.isPresent() && !m.time().isAfter(applied.get())) {
                late++;
                continue;
            }
            unique.put(new TimeKey(m.time(), m.key()), m);
        }
        List<Mutation> rows = new ArrayList<>(unique.values());
        if (!rows.isEmpty()) {
            Optional<String> copy = sql.copyStage(stagingTable);
            if (copy.isEmpty() || !StageCopy.copy(tx, copy.get(), rows)) {
                insert(tx, stagingTable, rows);
            }
        }
        String[] labels = labels(table);
        staged.labelValues(labels).inc(rows.size());
        if (late > 0) {
            skipped.labelValues(labels).inc(late);
        }
        duration.labelValues(labels).observe((System.nanoTime() - start) / 1e9);
    }

    /** Keeps what a committed transaction staged, so that its window can be read ahead from memory. */
    @Override
    public void committed(TableName table, List<Mutation> mutations) {
        cache.add(table, mutations);
    }

    /** Stages with the INSERT statement, which replaces rows already staged at the same time and key. */
    private void insert(Connection tx, String stagingTable, List<Mutation> rows) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql.stage(stagingTable))) {
            for (int from = 0; from < rows.size(); from += STAGE_CHUNK) {
                List<Mutation> chunk = rows.subList(from, Math.min(rows.size(), from + STAGE_CHUNK));
                Long[] nanos = new Long[chunk.size()];
                Integer[] logical = new Integer[chunk.size()];
                String[] keys = new String[chunk.size()];
                String[] muts = new String[chunk.size()];
                for (int i = 0; i < chunk.size(); i++) {
                    Mutation m = chunk.get(i);
                    nanos[i] = m.time().nanos();
                    logical[i] = m.time().logical();
                    keys[i] = m.key();
                    muts[i] = m.data().orElse("null");
                }
                ps.setArray(1, tx.createArrayOf("int8", nanos));
                ps.setArray(2, tx.createArrayOf("int4", logical));
                ps.setArray(3, tx.createArrayOf("text", keys));
                ps.setArray(4, tx.createArrayOf("text", muts));
                ps.executeUpdate();
            }
        }
    }

    @Override
    public long drain(Connection tx, TableName table, Hlc upTo, int batchSize, MutationHandler handler)
            throws SQLException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        Optional<String> stagingTable = registeredStagingTable(tx, table);
        if (stagingTable.isEmpty()) {
            return 0;
        }
        // Only rows after the schema's last applied window are drained. The stager skips older ones when they arrive;
        // one that slipped in (a redelivery racing the window that covered it) is older than what the target holds,
        // and applying it could put an old value back. The bound also keeps a drain to its window: without it the
        // primary key's bitmap scan visits every dead entry of the windows drained before, until a vacuum, so a
        // backlog of N staged rows cost O(N^2) (drain and delete of the 51st 10,000-row window of a million: 84 ms
        // against 29 ms).
        Window window = new Window(timestamps.lastApplied(tx, table.schemaName()), upTo);
        Optional<StagedCache.Window> kept = sql.drainPagesByKey() ? Optional.empty()
                : kept(table, window, () -> countWindow(tx, stagingTable.get(), window));
        long count;
        if (kept.isPresent()) {
            count = handOver(kept.get().newestPerKey(), batchSize, handler);
        } else {
            count = sql.drainPagesByKey()
                    ? drainByPages(tx, stagingTable.get(), window, batchSize, handler)
                    : drainByCursor(tx, stagingTable.get(), window, batchSize, handler);
        }
        long removed = remove(tx, stagingTable.get(), window);
        if (kept.isPresent() && removed != kept.get().entries()) {
            throw new IllegalStateException("the window up to " + upTo + " of " + table + " held "
                    + kept.get().entries() + " staged rows when it was counted and " + removed + " when removed");
        }
        cache.removeThrough(table, upTo);
        drained.labelValues(labels(table)).inc(count);
        return count;
    }

    /** A count of staged rows, read only when needed. */
    @FunctionalInterface
    private interface StagedRows {
        long count() throws SQLException;
    }

    /**
     * The window from the mutations this process staged, if the staging table holds as many rows in it as they are
     * (see {@link StagedCache}); empty when nothing is kept (the table's rows are then not counted). PostgreSQL only:
     * CockroachDB drains page by key and does not read ahead.
     */
    private Optional<StagedCache.Window> kept(TableName table, Window window, StagedRows stagedRows)
            throws SQLException {
        StagedCache.Window kept = cache.window(table, window.after(), window.upTo());
        if (kept.entries() == 0 || kept.entries() != stagedRows.count()) {
            return Optional.empty();
        }
        fromMemory.labelValues(labels(table)).inc();
        return Optional.of(kept);
    }

    private static long handOver(List<Mutation> mutations, int batchSize, MutationHandler handler)
            throws SQLException {
        for (int from = 0; from < mutations.size(); from += batchSize) {
            handler.accept(List.copyOf(mutations.subList(from, Math.min(mutations.size(), from + batchSize))));
        }
        return mutations.size();
    }

    private long countWindow(Connection conn, String stagingTable, Window window) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.countWindow(stagingTable))) {
            window.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Reads ahead on PostgreSQL, where a drain is one query; CockroachDB's drains page by key and are not read ahead.
     * {@code conn} must be in a transaction that sees one snapshot ({@code REPEATABLE READ}), so that the count of
     * staged rows and the mutations read agree.
     */
    @Override
    public Optional<Peeked> peek(Connection conn, TableName table, Optional<Hlc> after, Hlc upTo, int limit)
            throws SQLException {
        if (sql.drainPagesByKey()) {
            return Optional.empty();
        }
        Optional<String> stagingTable = registeredStagingTable(conn, table);
        if (stagingTable.isEmpty()) {
            return Optional.of(new Peeked(after, upTo, List.of(), 0));
        }
        Window window = new Window(after, upTo);
        long rows = countWindow(conn, stagingTable.get(), window);
        if (rows > limit) {
            return Optional.empty();
        }
        Optional<StagedCache.Window> kept = kept(table, window, () -> rows);
        if (kept.isPresent()) {
            return Optional.of(new Peeked(after, upTo, kept.get().newestPerKey(), rows));
        }
        List<Mutation> mutations = new ArrayList<>((int) rows);
        try (PreparedStatement ps = conn.prepareStatement(sql.drainSelect(stagingTable.get()))) {
            window.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    mutations.add(mutation(rs));
                }
            }
        }
        return Optional.of(new Peeked(after, upTo, mutations, rows));
    }

    @Override
    public void discard(Connection tx, TableName table, Peeked peeked) throws SQLException {
        Optional<Hlc> applied = timestamps.lastApplied(tx, table.schemaName());
        if (!applied.equals(peeked.after())) {
            throw new IllegalStateException("the last applied window of " + table.schemaName() + " is "
                    + applied.map(Hlc::toString).orElse("none") + ", not the one " + table + " was read after");
        }
        Optional<String> stagingTable = registeredStagingTable(tx, table);
        long removed = stagingTable.isEmpty() ? 0 : remove(tx, stagingTable.get(), new Window(applied, peeked.upTo()));
        if (removed != peeked.stagedRows()) {
            throw new IllegalStateException("the window up to " + peeked.upTo() + " of " + table + " held "
                    + peeked.stagedRows() + " staged rows when it was read ahead and " + removed + " now");
        }
        cache.removeThrough(table, peeked.upTo());
        drained.labelValues(labels(table)).inc(peeked.mutations().size());
    }

    /** Removes a drained window's rows; returns how many. */
    private long remove(Connection tx, String stagingTable, Window window) throws SQLException {
        // The first drain of a table in this process also removes rows older than the window (the strays above).
        if (swept.add(stagingTable) && window.after().isPresent()) {
            delete(tx, stagingTable, new Window(Optional.empty(), window.after().get()));
        }
        return delete(tx, stagingTable, window);
    }

    private long delete(Connection tx, String stagingTable, Window window) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql.deleteDrained(stagingTable))) {
            window.bind(ps, 1);
            return ps.executeUpdate();
        }
    }

    private long drainByCursor(Connection tx, String stagingTable, Window window, int batchSize,
                               MutationHandler handler) throws SQLException {
        long count = 0;
        try (PreparedStatement ps = tx.prepareStatement(sql.drainSelect(stagingTable))) {
            ps.setFetchSize(batchSize);
            window.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                List<Mutation> batch = new ArrayList<>(batchSize);
                while (rs.next()) {
                    batch.add(mutation(rs));
                    if (batch.size() == batchSize) {
                        handler.accept(List.copyOf(batch));
                        count += batch.size();
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    handler.accept(List.copyOf(batch));
                    count += batch.size();
                }
            }
        }
        return count;
    }

    private long drainByPages(Connection tx, String stagingTable, Window window, int batchSize,
                              MutationHandler handler) throws SQLException {
        long count = 0;
        String after = ""; // keys are never empty, so every key sorts after ""
        try (PreparedStatement ps = tx.prepareStatement(sql.drainSelect(stagingTable))) {
            while (true) {
                window.bind(ps, 1);
                ps.setString(5, after);
                ps.setInt(6, batchSize);
                List<Mutation> batch = new ArrayList<>(batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(mutation(rs));
                    }
                }
                if (batch.isEmpty()) {
                    return count;
                }
                handler.accept(List.copyOf(batch));
                count += batch.size();
                if (batch.size() < batchSize) {
                    return count;
                }
                after = batch.get(batch.size() - 1).key();
            }
        }
    }

    private static Mutation mutation(ResultSet rs) throws SQLException {
        Hlc time = new Hlc(rs.getLong(1), rs.getInt(2));
        // JSON null (a delete) comes back as the text "null", which Mutation turns into a delete.
        return new Mutation(time, rs.getString(3), Optional.ofNullable(rs.getString(4)));
    }

    @Override
    public List<TableName> stagedTables(Connection tx, SchemaName schema) throws SQLException {
        ensure(schema.database());
        List<TableName> tables = new ArrayList<>();
        try (PreparedStatement ps = tx.prepareStatement(
                sql.stagedTablesOfSchema(area.qualify(schema.database(), STAGED_TABLES)))) {
            ps.setString(1, schema.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(schema.table(rs.getString(1)));
                }
            }
        }
        return tables;
    }

    /** The qualified staging table of a target table, created and registered on first use. */
    private String stagingTable(TableName table) throws SQLException {
        String known = stagingTables.get(table);
        if (known != null) {
            return known;
        }
        ensure(table.database());
        String name;
        try {
            name = area.inDdlTransaction(table.database(), conn -> register(conn, table));
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            // Another instance registered the table between our lookup and insert (possible without DDL locks).
            name = area.inDdlTransaction(table.database(), conn -> register(conn, table));
        }
        String qualified = area.qualify(table.database(), name);
        stagingTables.put(table, qualified);
        return qualified;
    }

    private String register(Connection conn, TableName table) throws SQLException {
        String registry = area.qualify(table.database(), STAGED_TABLES);
        Optional<String> existing = lookup(conn, registry, table);
        if (existing.isPresent()) {
            return existing.get();
        }
        String name = StagingTableNames.preferred(table.schema(), table.table());
        if (taken(conn, registry, name)) {
            name = StagingTableNames.hashed(table.schema(), table.table());
            if (taken(conn, registry, name)) {
                throw new SQLException("staging table name " + name + " for " + table
                        + " is already used by another table");
            }
        }
        try (var s = conn.createStatement()) {
            s.execute(sql.createStagingTable(area.qualify(table.database(), name)));
        }
        try (PreparedStatement ps = conn.prepareStatement(sql.registerStagingTable(registry))) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, name);
            ps.executeUpdate();
        }
        return name;
    }

    /**
     * Creates the registry, and makes sure the resolved timestamps that bound every stage and drain are there; once
     * per database for the life of the process.
     */
    private void ensure(String database) {
        timestamps.prepare(database);
        area.ensureTables(database, STAGED_TABLES, List.of(sql.createStagedTables(area.qualify(database,
                STAGED_TABLES))));
    }

    /** The staging table of a target table if one was ever registered (by any instance). */
    private Optional<String> registeredStagingTable(Connection tx, TableName table) throws SQLException {
        String known = stagingTables.get(table);
        if (known != null) {
            return Optional.of(known);
        }
        ensure(table.database());
        Optional<String> name = lookup(tx, area.qualify(table.database(), STAGED_TABLES), table);
        name.ifPresent(n -> stagingTables.put(table, area.qualify(table.database(), n)));
        return name.map(n -> area.qualify(table.database(), n));
    }

    private Optional<String> lookup(Connection conn, String registry, TableName table) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.lookupStagingTable(registry))) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private boolean taken(Connection conn, String registry, String name) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql.stagingNameTaken(registry))) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String[] labels(TableName table) {
        return new String[] {table.database(), table.schema(), table.table()};
    }

    private record TimeKey(Hlc time, String key) {
    }

    /** Staged times after {@code after} (everything when empty) and at or before {@code upTo}. */
    private record Window(Optional<Hlc> after, Hlc upTo) {
        /** Binds the four bounds of {@link StagingSql#drainSelect} and {@link StagingSql#deleteDrained}. */
        void bind(PreparedStatement ps, int first) throws SQLException {
            // Times are never negative, so (-1, 0) is before every one of them.
            ps.setLong(first, after.map(Hlc::nanos).orElse(-1L));
            ps.setInt(first + 1, after.map(Hlc::logical).orElse(0));
            ps.setLong(first + 2, upTo.nanos());
            ps.setInt(first + 3, upTo.logical());
        }
    }
}
