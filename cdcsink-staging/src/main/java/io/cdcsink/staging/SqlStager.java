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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages mutations in one table per target table inside cdc-sink's schema of the target's own database
 * ({@link MetadataSchema}), one row per staged batch ({@link StagedBatch}): the mutations of the table from one
 * staging call, with their time range. A window hands over the newest mutation per key among the mutations of the
 * batches overlapping it whose times fall inside it, and its transaction removes the batches wholly at or before it;
 * a batch that straddles the window's upper bound stays until a later window covers it, its earlier mutations left
 * out by time. Deletes are stored as JSON {@code null}. Which staging table holds which target table's batches is
 * registered in {@value #STAGED_TABLES}, in the same DDL transaction that creates the staging table, so a registered
 * name always has its table; the stager alone reads and writes both.
 *
 * <p>Staging tables of earlier releases (one row per mutation, {@link StagingTableNames#isLegacy}) are converted the
 * first time this process uses their target table: in one DDL transaction their rows are copied into a new staging
 * table as batches, the registry is pointed at it and the old table dropped. An instance of an earlier release still
 * writing to the old table fails from then on (its requests get 503 until it is upgraded) instead of staging rows
 * nobody reads.
 */
public final class SqlStager implements Stager {
    public static final String STAGED_TABLES = "staged_tables";

    private static final Logger log = LoggerFactory.getLogger(SqlStager.class);
    /**
     * At most this much memory for the batches kept until their window is applied (see {@link StagedCache}), and at
     * most an eighth of the heap: 64 MiB is about 250,000 rows of 100 characters; a backlog beyond it is read from
     * the staging tables.
     */
    static final long MAX_CACHED_BYTES = 64L << 20;

    private final MetadataSchema area;
    private final ResolvedTimestamps timestamps;
    private final StagingSql sql;
    /** Qualified staging tables in the batch format, by target table; a legacy one is never put here. */
    private final Map<TableName, String> stagingTables = new ConcurrentHashMap<>();
    /** Staging tables this process has drained once, removing batches older than the window too (the strays). */
    private final Set<String> swept = ConcurrentHashMap.newKeySet();
    private final StagedCache cache = new StagedCache(Math.min(MAX_CACHED_BYTES,
            Runtime.getRuntime().maxMemory() / 8));
    private final Counter staged;
    private final Counter skipped;
    private final LateMutations lateMutations = new LateMutations(java.time.Clock.systemUTC());
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

    /** Creates and registers the table's staging table (or converts a legacy one) unless this instance knows it. */
    @Override
    public void prepare(TableName table) throws SQLException {
        stagingTable(table);
    }

    /**
     * Stores the mutations as one staged batch (several for a very large call, see {@link StagedBatch#of});
     * duplicates of a (time, key) within the call collapse to the last one. Mutations at or before the schema's last
     * applied resolved timestamp are skipped and counted: after a restart a changefeed redelivers from its last
     * checkpoint, and those changes are already in the target; staging them would leave rows no window ever drains
     * (or, worse, replay an old value over a newer one in the next window).
     *
     * <p>A batch staged again (a redelivered request) is another batch, with an id of its own. The windows it
     * overlaps still hand over one mutation per key, the newest, and a redelivered mutation carries the same time,
     * key and change as the one staged before, so they hand over what they would have without it.
     *
     * <p>The first time a table is seen, its staging table is created and registered on a second connection of the
     * same pool (so the DDL commits even if the caller rolls back), unless {@link #prepare} did it before.
     */
    @Override
    public Staged stage(Connection tx, TableName table, List<Mutation> mutations) throws SQLException {
        if (mutations.isEmpty()) {
            return Staged.NONE;
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
        List<StagedBatch> batches = unique.isEmpty() ? List.of() : StagedBatch.split(new ArrayList<>(unique.values()),
                sql.maxBatchChars());
        if (!batches.isEmpty()) {
            try (PreparedStatement ps = tx.prepareStatement(sql.stage(stagingTable))) {
                for (StagedBatch batch : batches) {
                    ps.setLong(1, batch.id());
                    ps.setLong(2, batch.min().nanos());
                    ps.setInt(3, batch.min().logical());
                    ps.setLong(4, batch.max().nanos());
                    ps.setInt(5, batch.max().logical());
                    ps.setInt(6, batch.mutations().size());
                    ps.setString(7, batch.lines());
                    ps.executeUpdate();
                }
            }
        }
        String[] labels = labels(table);
        staged.labelValues(labels).inc(unique.size());
        if (late > 0) {
            skipped.labelValues(labels).inc(late);
            lateMutations.late(table.schemaName(), late, applied.get());
        }
        duration.labelValues(labels).observe((System.nanoTime() - start) / 1e9);
        return new Batches(table, batches);
    }

    /** What one {@link #stage} call wrote. */
    private record Batches(TableName table, List<StagedBatch> batches) implements Staged {
    }

    /** Keeps what a committed transaction staged, so that its windows can be taken from memory. */
    @Override
    public void committed(Staged staged) {
        if (staged instanceof Batches b) {
            b.batches().forEach(batch -> cache.add(b.table(), batch));
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
        // Only mutations after the schema's last applied window are drained. The stager skips older ones when they
        // arrive; one that slipped in (a redelivery racing the window that covered it) is older than what the target
        // holds, and applying it could put an old value back. The bound also keeps a drain to the batches not yet
        // covered by an applied window.
        Window window = new Window(timestamps.lastApplied(tx, table.schemaName()), upTo);
        Optional<StagedCache.Window> kept = sql.drainPagesByKey() || !cache.holds(table, window.after(), upTo)
                ? Optional.empty() : kept(table, window, overlapping(tx, stagingTable.get(), window));
        long count;
        if (kept.isPresent()) {
            count = handOver(kept.get().newestPerKey(), batchSize, handler);
        } else {
            count = sql.drainPagesByKey()
                    ? drainByPages(tx, stagingTable.get(), window, batchSize, handler)
                    : drainByCursor(tx, stagingTable.get(), window, batchSize, handler);
        }
        finish(tx, table, stagingTable, window, kept.map(StagedCache.Window::batches), "taken from", count);
        return count;
    }

    /**
     * In the window's transaction: removes the batches it covers wholly, checks that each was one the window was
     * {@code how} ({@code readFrom}; not checked when the window was read from the table in this transaction), and
     * forgets them in the cache.
     *
     * @throws IllegalStateException when the window removed a batch it was not read from
     */
    private void finish(Connection tx, TableName table, Optional<String> stagingTable, Window window,
                        Optional<List<Long>> readFrom, String how, long handedOver) throws SQLException {
        List<Long> removed = stagingTable.isEmpty() ? List.of() : remove(tx, stagingTable.get(), window);
        if (readFrom.isPresent() && !readFrom.get().containsAll(removed)) {
            throw new IllegalStateException("the window up to " + window.upTo() + " of " + table
                    + " removed staged batches " + removed + ", not only those it was " + how + ", " + readFrom.get());
        }
        cache.removeThrough(table, window.upTo());
        drained.labelValues(labels(table)).inc(handedOver);
    }

    /**
     * The window from the batches this process staged, if they are exactly the staging table's batches overlapping
     * it (see {@link StagedCache}); else empty.
     */
    private Optional<StagedCache.Window> kept(TableName table, Window window, Overlap inTable) {
        Optional<StagedCache.Window> kept = cache.window(table, window.after(), window.upTo(), inTable.batches());
        kept.ifPresent(k -> fromMemory.labelValues(labels(table)).inc());
        return kept;
    }

    private static long handOver(List<Mutation> mutations, int batchSize, MutationHandler handler)
            throws SQLException {
        for (int from = 0; from < mutations.size(); from += batchSize) {
            handler.accept(List.copyOf(mutations.subList(from, Math.min(mutations.size(), from + batchSize))));
        }
        return mutations.size();
    }

    /** The staged batches overlapping a window: their ids, in order, and how many mutations they hold together. */
    private record Overlap(List<Long> batches, long mutations) {
        boolean same(Collection<Long> ids) {
            return batches.size() == ids.size() && batches.containsAll(ids);
        }
    }

    private Overlap overlapping(Connection conn, String stagingTable, Window window) throws SQLException {
        List<Long> ids = new ArrayList<>();
        long mutations = 0;
        try (PreparedStatement ps = conn.prepareStatement(sql.overlapping(stagingTable))) {
            window.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    mutations += rs.getInt(2);
                }
            }
        }
        ids.sort(null);
        return new Overlap(ids, mutations);
    }

    /**
     * Reads ahead on PostgreSQL, where a drain is one query, and on MySQL, where it is one read of the overlapping
     * batches; CockroachDB's drains page by key and are not read ahead.
     * {@code conn} must be in a transaction that sees one snapshot ({@code REPEATABLE READ}), so that the batches
     * listed and the mutations read agree. A table registered with a legacy staging table is not read ahead: its
     * conversion is the drain's.
     */
    @Override
    public Optional<Peeked> peek(Connection conn, TableName table, Optional<Hlc> after, Hlc upTo, int limit)
            throws SQLException {
        if (sql.drainPagesByKey()) {
            return Optional.empty();
        }
        String stagingTable = stagingTables.get(table);
        if (stagingTable == null) {
            Optional<String> name = registered(conn, table);
            if (name.isEmpty()) {
                return Optional.of(new Peeked(after, upTo, List.of(), 0, List.of()));
            }
            if (StagingTableNames.isLegacy(name.get())) {
                return Optional.empty();
            }
            stagingTable = remember(table, name.get());
        }
        Window window = new Window(after, upTo);
        Overlap overlap = overlapping(conn, stagingTable, window);
        Optional<StagedCache.Window> kept = kept(table, window, overlap);
        if (kept.isPresent()) {
            return kept.get().entries() > limit ? Optional.empty() : Optional.of(
                    new Peeked(after, upTo, kept.get().newestPerKey(), kept.get().entries(), overlap.batches()));
        }
        if (overlap.mutations() > limit) {
            return Optional.empty();
        }
        List<Mutation> mutations = new ArrayList<>();
        readWindow(conn, stagingTable, window, 0, mutations::add);
        return Optional.of(new Peeked(after, upTo, mutations, overlap.mutations(), overlap.batches()));
    }

    @Override
    public void discard(Connection tx, TableName table, Peeked peeked) throws SQLException {
        Optional<Hlc> applied = timestamps.lastApplied(tx, table.schemaName());
        if (!applied.equals(peeked.after())) {
            throw new IllegalStateException("the last applied window of " + table.schemaName() + " is "
                    + applied.map(Hlc::toString).orElse("none") + ", not the one " + table + " was read after");
        }
        Optional<String> stagingTable = registeredStagingTable(tx, table);
        Window window = new Window(applied, peeked.upTo());
        Overlap now = stagingTable.isEmpty() ? new Overlap(List.of(), 0)
                : overlapping(tx, stagingTable.get(), window);
        if (!now.same(peeked.batches())) {
            throw new IllegalStateException("the window up to " + peeked.upTo() + " of " + table + " overlapped "
                    + peeked.batches().size() + " staged batches when it was read ahead and now overlaps "
                    + now.batches().size() + ", not all of them the same");
        }
        finish(tx, table, stagingTable, window, Optional.of(peeked.batches()), "read ahead from",
                peeked.mutations().size());
    }

    /** Removes the batches an applied window covers wholly; returns their ids. */
    private List<Long> remove(Connection tx, String stagingTable, Window window) throws SQLException {
        // The first removal of a table in this process also removes batches older than the window (the strays above).
        if (swept.add(stagingTable) && window.after().isPresent()) {
            deleteThrough(tx, stagingTable, new Window(Optional.empty(), window.after().get()));
        }
        return deleteThrough(tx, stagingTable, window);
    }

    private List<Long> deleteThrough(Connection tx, String stagingTable, Window window) throws SQLException {
        List<Long> removed = new ArrayList<>();
        Optional<String> select = sql.selectThrough(stagingTable);
        try (PreparedStatement ps = tx.prepareStatement(select.orElseGet(() -> sql.deleteThrough(stagingTable)))) {
            window.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    removed.add(rs.getLong(1));
                }
            }
        }
        if (select.isPresent() && !removed.isEmpty()) {
            try (PreparedStatement ps = tx.prepareStatement(sql.deleteThrough(stagingTable))) {
                window.bind(ps, 1);
                ps.executeUpdate();
            }
        }
        return removed;
    }

    private long drainByCursor(Connection tx, String stagingTable, Window window, int batchSize,
                               MutationHandler handler) throws SQLException {
        List<Mutation> batch = new ArrayList<>(batchSize);
        long count = readWindow(tx, stagingTable, window, batchSize, m -> {
            batch.add(m);
            if (batch.size() == batchSize) {
                handler.accept(List.copyOf(batch));
                batch.clear();
            }
        });
        if (!batch.isEmpty()) {
            handler.accept(List.copyOf(batch));
        }
        return count;
    }

    /** Receives the mutations of a window one by one. */
    @FunctionalInterface
    private interface MutationSink {
        void accept(Mutation mutation) throws SQLException;
    }

    /**
     * The newest mutation per key of the window, read from the staging table by the server-side split of its batches
     * ({@link StagingSql#drainSelect}); a positive {@code fetchSize} streams them that many rows at a time. Returns
     * how many there were.
     */
    private long readWindow(Connection conn, String stagingTable, Window window, int fetchSize, MutationSink each)
            throws SQLException {
        if (!sql.newestInServer()) {
            List<Mutation> newest = newestInProcess(conn, stagingTable, window, fetchSize);
            for (Mutation m : newest) {
                each.accept(m);
            }
            return newest.size();
        }
        long count = 0;
        try (PreparedStatement ps = conn.prepareStatement(sql.drainSelect(stagingTable))) {
            if (fetchSize > 0) {
                ps.setFetchSize(fetchSize);
            }
            window.bind(ps, 1);
            window.bind(ps, 5);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(StagedBatch.decode(rs.getString(1)));
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * The newest mutation per key of the window, picked here from the text of the batches overlapping it
     * ({@link StagingSql#overlappingLines}), read {@code fetchSize} rows at a time when positive.
     */
    private List<Mutation> newestInProcess(Connection conn, String stagingTable, Window window, int fetchSize)
            throws SQLException {
        NewestPerKey newest = new NewestPerKey(window.after(), window.upTo());
        try (PreparedStatement ps = conn.prepareStatement(sql.overlappingLines(stagingTable))) {
            if (fetchSize > 0) {
                ps.setFetchSize(fetchSize);
            }
            window.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String lines = rs.getString(2);
                    int from = 0;
                    while (from <= lines.length()) {
                        int end = lines.indexOf('\n', from);
                        int to = end < 0 ? lines.length() : end;
                        newest.add(StagedBatch.decode(lines.substring(from, to)));
                        from = to + 1;
                    }
                }
            }
        }
        // In key order, as the server's drains hand them over (UTF-16 order: the same as byte order but for
        // characters beyond the Basic Multilingual Plane against those from U+E000 up).
        List<Mutation> mutations = newest.mutations();
        mutations.sort(Comparator.comparing(Mutation::key));
        return mutations;
    }

    private long drainByPages(Connection tx, String stagingTable, Window window, int batchSize,
                              MutationHandler handler) throws SQLException {
        long count = 0;
        String after = ""; // keys are never empty, so every escaped key sorts after ""
        try (PreparedStatement ps = tx.prepareStatement(sql.drainSelect(stagingTable))) {
            while (true) {
                window.bind(ps, 1);
                window.bind(ps, 5);
                ps.setString(9, after);
                ps.setInt(10, batchSize);
                List<Mutation> batch = new ArrayList<>(batchSize);
                String last = "";
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getString(1);
                        batch.add(StagedBatch.decode(last));
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
                after = StagedBatch.escapedKey(last);
            }
        }
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

    /** The qualified staging table of a target table, created and registered, or converted, on first use. */
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
            if (!sql.duplicateKey(e)) {
                throw e;
            }
            // Another instance registered the table between our lookup and insert (possible without DDL locks).
            name = area.inDdlTransaction(table.database(), conn -> register(conn, table));
        }
        return remember(table, name);
    }

    private String remember(TableName table, String name) {
        String qualified = area.qualify(table.database(), name);
        stagingTables.put(table, qualified);
        return qualified;
    }

    /** The table's staging table in the batch format: the registered one, a new one, or a legacy one converted. */
    private String register(Connection conn, TableName table) throws SQLException {
        String registry = area.qualify(table.database(), STAGED_TABLES);
        Optional<String> existing = lookup(conn, registry, table);
        if (existing.isPresent() && !StagingTableNames.isLegacy(existing.get())) {
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
        String qualified = area.qualify(table.database(), name);
        try (Statement s = conn.createStatement()) {
            for (String ddl : sql.createStagingTable(qualified)) {
                s.execute(ddl);
            }
        }
        if (existing.isPresent()) {
            convert(conn, table, area.qualify(table.database(), existing.get()), name);
            return name;
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
     * Copies a legacy staging table's rows into the new staging table as batches, points the registry at the new
     * one and drops the legacy one: one transaction on PostgreSQL, with the legacy table's writers kept out.
     */
    private void convert(Connection conn, TableName table, String legacy, String name) throws SQLException {
        long batches;
        try (Statement s = conn.createStatement()) {
            Optional<String> lock = sql.lockLegacy(legacy);
            if (lock.isPresent()) {
                s.execute(lock.get());
            }
            batches = s.executeUpdate(sql.copyLegacy(legacy, area.qualify(table.database(), name)));
        }
        try (PreparedStatement ps = conn.prepareStatement(
                sql.reregisterStagingTable(area.qualify(table.database(), STAGED_TABLES)))) {
            ps.setString(1, name);
            ps.setString(2, table.schema());
            ps.setString(3, table.table());
            ps.executeUpdate();
        }
        try (Statement s = conn.createStatement()) {
            s.execute(sql.dropTable(legacy));
        }
        log.info("converted the staging table {} of {} to {}, one row per staged batch: {} batches", legacy, table,
                name, batches);
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

    /**
     * The qualified staging table of a target table if one was ever registered (by any instance), in the batch
     * format: a legacy one is converted first, on a connection of its own.
     */
    private Optional<String> registeredStagingTable(Connection tx, TableName table) throws SQLException {
        String known = stagingTables.get(table);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> name = registered(tx, table);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(StagingTableNames.isLegacy(name.get()) ? stagingTable(table) : remember(table, name.get()));
    }

    /** The registered (unqualified) name of the table's staging table, if any. */
    private Optional<String> registered(Connection conn, TableName table) throws SQLException {
        ensure(table.database());
        return lookup(conn, area.qualify(table.database(), STAGED_TABLES), table);
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
        /**
         * Binds the four bounds of {@link StagingSql#OVERLAPS}, {@link StagingSql#IN_WINDOW} and
         * {@link StagingSql#deleteThrough}.
         */
        void bind(PreparedStatement ps, int first) throws SQLException {
            // Times are never negative, so (-1, 0) is before every one of them.
            ps.setLong(first, after.map(Hlc::nanos).orElse(-1L));
            ps.setInt(first + 1, after.map(Hlc::logical).orElse(0));
            ps.setLong(first + 2, upTo.nanos());
            ps.setInt(first + 3, upTo.logical());
        }
    }
}
