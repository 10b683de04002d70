package io.cdcsink.core.logical;

import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.Snapshot;
import io.cdcsink.api.SnapshotReader;
import io.cdcsink.api.SnapshotSource;
import io.cdcsink.api.SnapshotTable;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import io.cdcsink.core.status.ReplicationStatus;
import io.cdcsink.core.status.StatusSnapshot.LoadView;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyOrder;
import io.cdcsink.engine.Durations;
import io.cdcsink.engine.ForeignKeyGraph;
import io.cdcsink.engine.Loads;
import io.cdcsink.engine.Loads.Chunk;
import io.cdcsink.engine.Loads.Load;
import io.cdcsink.engine.Positions;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.engine.TargetDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a logical loop's tables from snapshots of the source ({@code --snapshot initial}, {@code --snapshotTables}).
 *
 * <p>A load is planned once: the tables (parents before the tables that reference them), each cut into key ranges of
 * about {@code --snapshotChunkRows} rows by the source ({@link Snapshot#boundaries}), recorded in {@link Loads} in
 * the transaction that also stores the stream's starting position (initial load) or empties the tables to copy again.
 * Workers then copy chunk after chunk, each with one {@code COPY ... FROM STDIN} into the target in a transaction that
 * also marks the chunk copied, so a load stopped at any moment, even by kill -9, continues with the chunks not yet
 * copied. MySQL has no {@code COPY}: there the copied lines are read back into text values ({@link CopyLines}) and
 * written as upserts by the applier, in batches, the way the stream writes a logical source's rows, so every value
 * converts exactly as the stream's would; the chunk and its mark still share one transaction. A resumed load reads those from a new snapshot, taken after the stream's position: the stream, which starts
 * from the position of the first snapshot, then repeats the changes between the two on rows that already hold them,
 * and every row converges to the source's value.
 *
 * <p>While a table is being copied the loop applies no change to it ({@link #copying}): an initial load runs before
 * the stream starts, and a stream running beside {@code --snapshotTables} waits at the first change to a table not
 * yet copied.
 */
final class SnapshotLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoader.class);
    /** How often a running load logs its progress. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    private static final int COPY_BUFFER = 64 * 1024;
    /** Rows per applier call when a chunk is written as upserts (MySQL). */
    static final int UPSERT_BATCH = 2_000;

    private final SnapshotSource source;
    private final LogicalConfig config;
    private final SnapshotConfig settings;
    private final DataSource pool;
    private final TargetDialect dialect;
    private final Applier applier;
    private final Loads loads;
    private final Positions positions;
    private final SchemaCatalog catalog;
    private final ReplicationStatus.Loop status;
    private final Backoff backoff;
    /** Tables with chunks not yet copied: the stream applies nothing to them. */
    private volatile Set<TableName> copying = Set.of();
    private volatile boolean initialRunning;
    private volatile boolean stopping;
    private volatile Progress progress;
    /** Why the last attempt to copy failed, until a chunk is copied again. */
    private volatile String problem;
    private Thread thread;
    /** The snapshot opened while planning, handed to the copying thread. */
    private Snapshot planned;
    private Load load;
    private final Map<TableName, SnapshotTable> tables = new HashMap<>();

    /** @param applier writes chunks where the target has no {@code COPY} (MySQL) */
    SnapshotLoader(SnapshotSource source, LogicalConfig config, DataSource pool, TargetDialect dialect,
                   Applier applier, Loads loads, Positions positions, SchemaCatalog catalog,
                   ReplicationStatus.Loop status) {
        this.source = source;
        this.config = config;
        this.settings = config.snapshot();
        this.pool = pool;
        this.dialect = dialect;
        this.applier = applier;
        this.loads = loads;
        this.positions = positions;
        this.catalog = catalog;
        this.status = status;
        this.backoff = new Backoff(config.retryDelay(), Backoff.DEFAULT_CAP);
    }

    /**
     * Decides what to copy and starts copying on a thread of its own: an unfinished load continues; an initial load
     * begins when the loop has no stored position and never loaded; {@code --snapshotTables} begins a load of those
     * tables. A new load takes its snapshot and records its plan here, so that a wrong setting fails the start.
     */
    void start(Optional<LogicalPosition> stored) throws Exception {
        String loop = config.loopName();
        Optional<Load> previous = loads.load(config.targetDatabase(), loop);
        if (previous.isPresent() && previous.get().finished().isEmpty()) {
            load = previous.get();
            long copied = load.chunks().stream().filter(Chunk::copied).count();
            LOG.info("loop {}: continuing the {} ({} of {} chunks copied); new chunks come from a new snapshot",
                    loop, describe(load), copied, load.chunks().size());
            if (!settings.tables().isEmpty()) {
                LOG.warn("loop {}: --snapshotTables {} waits: the unfinished load goes first; start again with it"
                        + " afterwards", loop, String.join(",", settings.tables()));
            }
        } else if (settings.initial() && previous.isEmpty() && stored.isEmpty()) {
            begin(true);
        } else if (!settings.tables().isEmpty()) {
            begin(false);
        } else {
            if (settings.initial() && stored.isPresent() && previous.isEmpty()) {
                LOG.info("loop {}: --snapshot initial: the loop has a stored position, so it streams from there"
                        + " without copying", loop);
            }
            return;
        }
        Set<TableName> pending = new LinkedHashSet<>();
        for (Chunk c : load.chunks()) {
            if (!c.copied()) {
                pending.add(c.table());
            }
        }
        copying = Set.copyOf(pending);
        initialRunning = load.initial();
        progress = new Progress(load, System.nanoTime());
        publish();
        thread = new Thread(this::run, loop + "-load");
        thread.start();
    }

    /** True while an initial load runs: the stream starts once it has finished. */
    boolean initialRunning() {
        return initialRunning;
    }

    /** Why copying fails, while it does: {@code /_/healthz} names it. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** True while the table has chunks to copy: the stream must not change it yet. */
    boolean copying(TableName table) {
        return copying.contains(table);
    }

    private String describe(Load l) {
        return l.initial() ? "initial load" : "load of " + l.tables();
    }

    private void begin(boolean initial) throws Exception {
        Snapshot snapshot = source.open(initial, settings.workers());
        try {
            List<SnapshotTable> chosen = choose(snapshot.tables(), initial);
            List<List<List<String>>> cutsByTable = plan(snapshot, chosen);
            List<Chunk> chunks = new ArrayList<>();
            for (int ti = 0; ti < chosen.size(); ti++) {
                SnapshotTable t = chosen.get(ti);
                List<List<String>> cuts = cutsByTable.get(ti);
                Optional<List<String>> after = Optional.empty();
                for (List<String> cut : cuts) {
                    chunks.add(new Chunk(chunks.size(), t.target(), after, Optional.of(cut), 0, false));
                    after = Optional.of(cut);
                }
                chunks.add(new Chunk(chunks.size(), t.target(), after, Optional.empty(), 0, false));
            }
            String scope = initial ? Loads.ALL_TABLES : String.join(",", settings.tables());
            record(initial, snapshot, chosen, scope, chunks);
            load = new Load(scope, java.time.Instant.now(), Optional.empty(), chunks);
            planned = snapshot;
            LOG.info("loop {}: {} of {} tables in {} chunks{}", config.loopName(),
                    initial ? "initial load" : "copying again", chosen.size(), chunks.size(),
                    initial ? "; the stream starts at " + snapshot.position().text() + " once it is done" : "");
        } catch (Exception e) {
            try {
                if (initial) {
                    snapshot.abandon();
                } else {
                    snapshot.close();
                }
            } catch (Exception c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * The cuts of each table, {@code --snapshotWorkers} tables at a time (each on a worker's connection): the source
     * walks each table's key once, and the load cannot start before all are planned.
     */
    private List<List<List<String>>> plan(Snapshot snapshot, List<SnapshotTable> chosen) throws Exception {
        java.util.concurrent.ExecutorService planners = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(settings.workers(), chosen.size())), r -> {
                    Thread t = new Thread(r, config.loopName() + "-plan");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<List<List<String>>>> futures = new ArrayList<>();
            for (SnapshotTable t : chosen) {
                futures.add(planners.submit(() -> selfReferencing(t.target()) ? List.<List<String>>of()
                        : snapshot.boundaries(t, settings.chunkRows())));
            }
            List<List<List<String>>> out = new ArrayList<>();
            for (java.util.concurrent.Future<List<List<String>>> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception c ? c : e;
                }
            }
            return out;
        } finally {
            planners.shutdownNow();
        }
    }

    /** The snapshot's tables this load copies, parents first, each with the key it is cut by. */
    private List<SnapshotTable> choose(List<SnapshotTable> all, boolean initial) {
        List<SnapshotTable> chosen = new ArrayList<>();
        if (initial) {
            chosen.addAll(all);
        } else {
            for (String name : settings.tables()) {
                SnapshotTable match = null;
                for (SnapshotTable t : all) {
                    if (SnapshotConfig.names(name, t.target().schema(), t.target().table())) {
                        match = t;
                    }
                }
                if (match == null) {
                    throw new CdcSinkException("--snapshotTables: the source replicates no table " + name
                            + "; add it to the publication (or the replicated databases) first");
                }
                chosen.add(match);
            }
        }
        List<String> keyless = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<SnapshotTable> keyed = new ArrayList<>();
        for (SnapshotTable t : chosen) {
            SnapshotTable k = keyed(t);
            if (k.key().isEmpty()) {
                keyless.add(t.source());
            }
            if (catalog.table(t.target()).isEmpty()) {
                missing.add(t.target().schema() + "." + t.target().table());
            }
            keyed.add(k);
            tables.put(k.target(), k);
        }
        if (!keyless.isEmpty()) {
            throw new CdcSinkException("cannot copy " + String.join(", ", keyless) + ": no primary key; add one, or"
                    + " name a unique key with --snapshotKey " + keyless.get(0) + "=column[,column...]");
        }
        if (!missing.isEmpty()) {
            throw new CdcSinkException("target database " + config.targetDatabase() + " lacks "
                    + String.join(", ", missing) + "; create them before the load (cdc-sink preflight shows how)");
        }
        List<TableName> names = keyed.stream().map(SnapshotTable::target).toList();
        ApplyOrder order = graph().order(names);
        List<SnapshotTable> ordered = new ArrayList<>();
        for (ApplyOrder.Step s : order.steps()) {
            if (s.part().upserts() && ordered.stream().noneMatch(t -> t.target().equals(s.table()))) {
                ordered.add(tables.get(s.table()));
            }
        }
        return ordered;
    }

    private ForeignKeyGraph graph() {
        return catalog.foreignKeys(config.targetDatabase());
    }

    /** A table that references itself is copied in one chunk: a row may reference one of a later chunk. */
    private boolean selfReferencing(TableName table) {
        return !graph().selfReferences(table).isEmpty();
    }

    /**
     * Records the plan; an initial load also stores the stream's position and requires empty tables, a load of named
     * tables empties them first. One transaction: either all of it holds or none.
     */
    private void record(boolean initial, Snapshot snapshot, List<SnapshotTable> chosen, String scope,
                        List<Chunk> chunks) throws SQLException {
        try (Connection tx = pool.getConnection()) {
            tx.setAutoCommit(false);
            try {
                if (initial) {
                    List<String> filled = new ArrayList<>();
                    for (SnapshotTable t : chosen) {
                        try (Statement s = tx.createStatement();
                             ResultSet rs = s.executeQuery("SELECT 1 FROM " + dialect.qualify(t.target())
                                     + " LIMIT 1")) {
                            if (rs.next()) {
                                filled.add(t.target().schema() + "." + t.target().table());
                            }
                        }
                    }
                    if (!filled.isEmpty()) {
                        throw new CdcSinkException("--snapshot initial fills empty tables, but target database "
                                + config.targetDatabase() + " has rows in " + String.join(", ", filled)
                                + "; empty them (TRUNCATE), or leave out --snapshot to stream only");
                    }
                    positions.save(tx, config.targetDatabase(), config.loopName(), snapshot.position());
                } else {
                    empty(tx, chosen);
                }
                loads.begin(tx, config.targetDatabase(), config.loopName(), scope, chunks);
                tx.commit();
            } catch (SQLException | RuntimeException e) {
                tx.rollback();
                throw e;
            }
        }
    }

    /**
     * Empties the tables to copy again. MySQL's {@code TRUNCATE} commits the transaction it runs in, so there the rows
     * are deleted, children's before their parents'.
     */
    private void empty(Connection tx, List<SnapshotTable> chosen) throws SQLException {
        try (Statement s = tx.createStatement()) {
            if (dialect.product() == TargetDialect.Product.MYSQL) {
                for (int i = chosen.size() - 1; i >= 0; i--) {
                    s.execute("DELETE FROM " + dialect.qualify(chosen.get(i).target()));
                }
                return;
            }
            StringBuilder truncate = new StringBuilder("TRUNCATE ");
            for (int i = 0; i < chosen.size(); i++) {
                truncate.append(i == 0 ? "" : ", ").append(dialect.qualify(chosen.get(i).target()));
            }
            s.execute(truncate.toString());
        }
    }

    private void run() {
        while (!stopping) {
            try {
                Snapshot snapshot = planned;
                planned = null;
                boolean later = snapshot == null;
                if (later) {
                    load = loads.load(config.targetDatabase(), config.loopName()).orElseThrow(
                            () -> new IllegalStateException("the load's plan is gone from the target"));
                    snapshot = source.open(false, settings.workers());
                    if (tables.isEmpty()) {
                        for (SnapshotTable t : snapshot.tables()) {
                            tables.put(t.target(), keyed(t));
                        }
                    }
                }
                try (Snapshot open = snapshot) {
                    copyAll(open, later ? refreshed() : Set.of());
                }
                finish();
                return;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (stopping) {
                    return;
                }
                Duration wait = backoff.next();
                problem = "the " + describe(load) + " of loop " + config.loopName() + " failed: " + e.getMessage();
                status.failed("snapshot load failed: " + e.getMessage());
                LOG.warn("loop {}: the {} failed: {}; continuing from the last copied chunk in {}",
                        config.loopName(), describe(load), e.getMessage(), Durations.text(wait));
                LOG.debug("loop {}: load failure", config.loopName(), e);
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private SnapshotTable keyed(SnapshotTable t) {
        for (Map.Entry<String, List<String>> e : settings.keys().entrySet()) {
            if (SnapshotConfig.names(e.getKey(), t.target().schema(), t.target().table())) {
                return t.withKey(e.getValue());
            }
        }
        return t;
    }

    /**
     * The tables whose copied chunks are copied again, as upserts, from a later snapshot: every table referenced,
     * directly or not, by a table with chunks left. Those chunks come from the later snapshot and may reference rows
     * their parents got after the earlier one; the parents' rows must be at least as new.
     */
    private Set<TableName> refreshed() {
        ForeignKeyGraph graph = graph();
        Set<TableName> inLoad = new LinkedHashSet<>();
        List<TableName> todo = new ArrayList<>();
        for (Chunk c : load.chunks()) {
            inLoad.add(c.table());
            if (!c.copied() && !todo.contains(c.table())) {
                todo.add(c.table());
            }
        }
        Set<TableName> out = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            TableName t = todo.remove(todo.size() - 1);
            for (ForeignKeyGraph.ForeignKey k : graph.from(t)) {
                if (!k.parent().equals(t) && inLoad.contains(k.parent()) && out.add(k.parent())) {
                    todo.add(k.parent());
                }
            }
        }
        out.removeIf(t -> load.chunks().stream().noneMatch(c -> c.table().equals(t) && c.copied()));
        if (!out.isEmpty()) {
            LOG.info("loop {}: copying the copied chunks of {} again from the new snapshot, as upserts: tables not"
                    + " yet copied may reference their newer rows", config.loopName(), out);
        }
        return out;
    }

    private void copyAll(Snapshot snapshot, Set<TableName> refreshed) throws Exception {
        Scheduler scheduler = new Scheduler(load.chunks(), refreshed, graph());
        progress = new Progress(load, System.nanoTime());
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < settings.workers(); i++) {
            SnapshotReader reader = snapshot.reader(i);
            Thread w = new Thread(() -> {
                try {
                    Work work;
                    while ((work = scheduler.next()) != null) {
                        long rows = copy(reader, work);
                        scheduler.done(work.chunk());
                        if (!work.refresh()) {
                            progress.copied(work.chunk(), rows);
                        }
                        problem = null;
                        copying = scheduler.pending();
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                    scheduler.fail();
                }
            }, config.loopName() + "-load-" + i);
            workers.add(w);
            w.start();
        }
        long nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
        try {
            for (Thread w : workers) {
                while (w.isAlive()) {
                    w.join(250);
                    publish();
                    if (System.nanoTime() >= nextReport) {
                        LOG.info("loop {}: {}: {}", config.loopName(), describe(load), progress.line());
                        for (String line : progress.tableLines()) {
                            LOG.info("loop {}: {}", config.loopName(), line);
                        }
                        nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
                    }
                }
            }
        } catch (InterruptedException e) {
            scheduler.fail();
            for (Thread w : workers) {
                w.interrupt();
            }
            for (Thread w : workers) {
                // A worker in the middle of a chunk ends it (its transaction rolls back when the snapshot closes).
                w.join(10_000);
            }
            throw e;
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /**
     * Copies one chunk in one target transaction that also marks it copied: with {@code COPY} ({@link #copyChunk}),
     * or on MySQL as upserts ({@link #upsertChunk}).
     */
    private long copy(SnapshotReader reader, Work work) throws Exception {
        Chunk chunk = work.chunk();
        SnapshotTable table = tables.get(chunk.table());
        if (table == null) {
            throw new CdcSinkException("the source no longer replicates " + chunk.table().schema() + "."
                    + chunk.table().table() + ", which the load copies; add it back, or drop the load with DELETE"
                    + " FROM _cdc_sink.loads WHERE loop_name = '" + config.loopName() + "'");
        }
        try (Connection tx = pool.getConnection()) {
            tx.setAutoCommit(false);
            try {
                long rows = dialect.product() == TargetDialect.Product.MYSQL ? upsertChunk(tx, reader, table, chunk)
                        : copyChunk(tx, reader, table, work);
                loads.copied(tx, config.targetDatabase(), config.loopName(), chunk.id(), rows);
                tx.commit();
                return rows;
            } catch (Exception e) {
                tx.rollback();
                throw e;
            }
        }
    }

    /**
     * Copies one chunk with {@code COPY}: straight into the table, or, for a chunk copied again
     * ({@link Work#refresh}), into a temporary table first and from there as upserts.
     */
    private long copyChunk(Connection tx, SnapshotReader reader, SnapshotTable table, Work work) throws Exception {
        Chunk chunk = work.chunk();
        String columns = columnList(table.columns());
        String into = work.refresh() ? "cdc_sink_refresh" : dialect.qualify(table.target());
        if (work.refresh()) {
            try (Statement s = tx.createStatement()) {
                s.execute("CREATE TEMPORARY TABLE cdc_sink_refresh ON COMMIT DROP AS SELECT " + columns
                        + " FROM " + dialect.qualify(table.target()) + " WITH NO DATA");
            }
        }
        CopyIn in = tx.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + into + " (" + columns
                + ") FROM STDIN");
        long rows;
        try {
            CopyBuffer buffer = new CopyBuffer(in);
            rows = reader.copy(table, chunk.after(), chunk.upTo(), buffer::write);
            buffer.flush();
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        if (work.refresh()) {
            try (Statement s = tx.createStatement()) {
                s.execute(upsert(table, columns));
            }
        }
        return rows;
    }

    /**
     * Copies one chunk as upserts through the applier, {@link #UPSERT_BATCH} rows at a time (MySQL, which has no
     * {@code COPY}). Upserts serve a first copy and a copy again alike.
     */
    private long upsertChunk(Connection tx, SnapshotReader reader, SnapshotTable table, Chunk chunk)
            throws Exception {
        List<Integer> key = new ArrayList<>();
        for (String k : table.key()) {
            key.add(table.columns().indexOf(k));
        }
        if (key.contains(-1)) {
            throw new CdcSinkException("cannot copy " + table.source() + ": its key " + table.key()
                    + " is not among the copied columns " + table.columns());
        }
        RowShape shape = new RowShape(table.columns(), key);
        List<RowChange> batch = new ArrayList<>(UPSERT_BATCH);
        CopyLines lines = new CopyLines(shape.size(), values -> {
            batch.add(RowChange.upsert(Hlc.ZERO, SourceRow.of(shape, values)));
            if (batch.size() >= UPSERT_BATCH) {
                applier.applyChanges(tx, table.target(), List.copyOf(batch));
                batch.clear();
            }
        });
        reader.copy(table, chunk.after(), chunk.upTo(), lines::write);
        long rows = lines.finish();
        if (!batch.isEmpty()) {
            applier.applyChanges(tx, table.target(), List.copyOf(batch));
        }
        return rows;
    }

    private String columnList(List<String> columns) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(dialect.quote(columns.get(i)));
        }
        return b.toString();
    }

    /** Moves the temporary table's rows into the table, each replacing the row of its key. */
    private String upsert(SnapshotTable table, String columns) {
        StringBuilder set = new StringBuilder();
        for (String c : table.columns()) {
            if (!table.key().contains(c)) {
                set.append(set.isEmpty() ? "" : ", ").append(dialect.quote(c)).append(" = excluded.")
                        .append(dialect.quote(c));
            }
        }
        return "INSERT INTO " + dialect.qualify(table.target()) + " (" + columns + ") SELECT " + columns
                + " FROM cdc_sink_refresh ON CONFLICT (" + columnList(table.key()) + ") DO "
                + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
    }

    private void finish() throws SQLException {
        try (Connection tx = pool.getConnection()) {
            tx.setAutoCommit(false);
            loads.finish(tx, config.targetDatabase(), config.loopName());
            tx.commit();
        }
        copying = Set.of();
        initialRunning = false;
        Progress p = progress;
        p.finish();
        publish();
        LOG.info("loop {}: the {} finished: {}", config.loopName(), describe(load), p.line());
    }

    private void publish() {
        Progress p = progress;
        if (p != null) {
            status.load(p.view());
        }
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(30).toMillis());
        }
        Snapshot left = planned;
        planned = null;
        if (left != null) {
            left.close();
        }
    }

    /** Gathers a reader's rows into large writes: each COPY message carries many rows. */
    private static final class CopyBuffer {
        private final CopyIn in;
        private final byte[] buffer = new byte[COPY_BUFFER];
        private int used;

        CopyBuffer(CopyIn in) {
            this.in = in;
        }

        void write(byte[] data, int offset, int length) throws SQLException {
            if (length > buffer.length - used) {
                flush();
                if (length > buffer.length) {
                    in.writeToCopy(data, offset, length);
                    return;
                }
            }
            System.arraycopy(data, offset, buffer, used, length);
            used += length;
        }

        void flush() throws SQLException {
            if (used > 0) {
                in.writeToCopy(buffer, 0, used);
                used = 0;
            }
        }
    }

    /**
     * Hands out the chunks not yet copied, in plan order, a table's chunks only once every table it references
     * (other than itself and the members of its own cycle) is copied completely.
     */
    private static final class Scheduler {
        private final List<Work> waiting = new ArrayList<>();
        private final Map<TableName, Integer> left = new LinkedHashMap<>();
        private final ForeignKeyGraph graph;
        private int running;
        private boolean failed;

        Scheduler(List<Chunk> chunks, Set<TableName> refreshed, ForeignKeyGraph graph) {
            this.graph = graph;
            for (Chunk c : chunks) {
                if (!c.copied() || refreshed.contains(c.table())) {
                    waiting.add(new Work(c, c.copied()));
                    left.merge(c.table(), 1, Integer::sum);
                }
            }
        }

        synchronized Work next() throws InterruptedException {
            while (!failed) {
                for (int i = 0; i < waiting.size(); i++) {
                    Work c = waiting.get(i);
                    if (ready(c.chunk().table())) {
                        waiting.remove(i);
                        running++;
                        return c;
                    }
                }
                if (waiting.isEmpty()) {
                    return null;
                }
                if (running == 0) {
                    // Nothing runs that could make a waiting table ready: copy in plan order regardless.
                    running++;
                    return waiting.remove(0);
                }
                wait();
            }
            return null;
        }

        private boolean ready(TableName table) {
            Optional<List<TableName>> cycle = graph.cycleOf(table);
            for (ForeignKeyGraph.ForeignKey k : graph.from(table)) {
                TableName parent = k.parent();
                if (!parent.equals(table) && left.getOrDefault(parent, 0) > 0
                        && !cycle.map(c -> c.contains(parent)).orElse(false)) {
                    return false;
                }
            }
            return true;
        }

        synchronized void done(Chunk c) {
            running--;
            left.merge(c.table(), -1, Integer::sum);
            notifyAll();
        }

        synchronized void fail() {
            failed = true;
            notifyAll();
        }

        synchronized Set<TableName> pending() {
            Set<TableName> out = new LinkedHashSet<>();
            left.forEach((t, n) -> {
                if (n > 0) {
                    out.add(t);
                }
            });
            return Set.copyOf(out);
        }
    }

    /**
     * A chunk to copy: one not yet copied, or one copied from an earlier snapshot and copied again as upserts
     * ({@link #refreshed}).
     */
    private record Work(Chunk chunk, boolean refresh) {
    }

    /** Counts of a load, overall and per table, for its progress lines and the status. */
    private static final class Progress {
        private final long startedNanos;
        private final int copiedBefore;
        private final Map<TableName, long[]> perTable = new LinkedHashMap<>();
        private int chunks;
        private int copied;
        private long rows;
        private long rowsNow;
        private boolean finished;
        private long finishedNanos;

        Progress(Load load, long startedNanos) {
            this.startedNanos = startedNanos;
            for (Chunk k : load.chunks()) {
                // chunks copied, chunks, rows
                long[] t = perTable.computeIfAbsent(k.table(), x -> new long[3]);
                t[1]++;
                chunks++;
                if (k.copied()) {
                    t[0]++;
                    t[2] += k.rows();
                    copied++;
                    rows += k.rows();
                }
            }
            this.copiedBefore = copied;
        }

        synchronized void copied(Chunk c, long n) {
            long[] t = perTable.get(c.table());
            t[0]++;
            t[2] += n;
            copied++;
            rows += n;
            rowsNow += n;
        }

        synchronized void finish() {
            finished = true;
            finishedNanos = System.nanoTime();
        }

        private double seconds() {
            return Math.max(1e-3, ((finished ? finishedNanos : System.nanoTime()) - startedNanos) / 1e9);
        }

        synchronized LoadView view() {
            double seconds = seconds();
            int doneNow = copied - copiedBefore;
            Optional<Duration> eta = finished ? Optional.of(Duration.ZERO) : doneNow == 0 ? Optional.empty()
                    : Optional.of(Duration.ofSeconds(Math.round(seconds / doneNow * (chunks - copied))));
            int tablesCopied = 0;
            for (long[] t : perTable.values()) {
                tablesCopied += t[0] == t[1] ? 1 : 0;
            }
            return new LoadView(finished, tablesCopied, perTable.size(), copied, chunks, rows, rowsNow / seconds,
                    eta, Duration.ofSeconds(Math.round(seconds)));
        }

        /** The overall line. */
        String line() {
            LoadView v = view();
            return String.format("%d of %d tables, %,d of %,d chunks, %,d rows, %,.0f rows/s, %s", v.tablesCopied(),
                    v.tables(), v.chunksCopied(), v.chunks(), v.rows(), v.rowsPerSecond(), v.finished()
                            ? "in " + Durations.text(v.elapsed())
                            : v.eta().map(d -> "about " + Durations.text(d) + " left").orElse("time left unknown"));
        }

        /** A line per table being copied: started and not finished. */
        synchronized List<String> tableLines() {
            List<String> out = new ArrayList<>();
            double seconds = seconds();
            perTable.forEach((t, c) -> {
                if (c[0] > 0 && c[0] < c[1]) {
                    out.add(String.format("%s.%s: %,d of %,d chunks, %,d rows, about %s left", t.schema(),
                            t.table(), c[0], c[1], c[2], Durations.text(Duration.ofSeconds(Math.round(
                                    seconds / Math.max(1, copied - copiedBefore) * (c[1] - c[0]))))));
                }
            });
            return out;
        }
    }
}
