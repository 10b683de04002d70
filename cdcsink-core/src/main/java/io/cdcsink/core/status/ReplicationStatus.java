package io.cdcsink.core.status;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.Blockage;
import io.cdcsink.api.Hlc;
import io.cdcsink.engine.ReplicationRecorder;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.core.status.StatusSnapshot.LastError;
import io.cdcsink.core.status.StatusSnapshot.LoopView;
import io.cdcsink.core.status.StatusSnapshot.SchemaView;
import io.cdcsink.core.status.StatusSnapshot.TableView;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one replicator has applied, per target table, per target schema and per logical loop, plus a ring of lag
 * samples (one a second, the last ten minutes) for the status page's chart. Recording is lock-free: a map lookup and
 * a few adders per committed batch.
 */
@Singleton
public final class ReplicationStatus implements ReplicationRecorder {
    /** Ten minutes of one sample a second. */
    static final int LAG_SAMPLES = 600;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationStatus.class);

    private final Clock clock;
    private final Instant startedAt;
    /** The most tables, and the most schemas, the status keeps an entry for. */
    static final int MAX_ENTRIES = 10_000;
    private final Map<TableName, TableEntry> tables = new ConcurrentHashMap<>();
    /** Where the entries of tables and schemas beyond {@link #MAX_ENTRIES} go: counted, never listed. */
    private final TableEntry untrackedTable = new TableEntry();
    private final SchemaEntry untrackedSchema = new SchemaEntry();
    private final Map<SchemaName, SchemaEntry> schemas = new ConcurrentHashMap<>();
    private final Map<String, Loop> loops = new ConcurrentHashMap<>();
    private final LagHistory history = new LagHistory(LAG_SAMPLES);
    private final Map<String, Blocked> blocked = new ConcurrentHashMap<>();

    @Inject
    public ReplicationStatus() {
        this(Clock.systemUTC());
    }

    public ReplicationStatus(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startedAt = clock.instant();
    }

    @Override
    public void applied(TableName table, Mode mode, ApplyResult result) {
        TableEntry e = table(table);
        e.mode = mode;
        e.upserts.add(result.upserts());
        e.deletes.add(result.deletes());
        if (result.deadLettered() > 0) {
            e.deadLettered.add(result.deadLettered());
        }
        e.lastAppliedMillis = clock.millis();
    }

    @Override
    public void tableFailed(TableName table, String message) {
        TableEntry e = table(table);
        e.errors.increment();
        e.lastError = new LastError(Redaction.message(message), clock.instant());
    }

    @Override
    public void resolved(SchemaName schema, Hlc resolved) {
        SchemaEntry e = schema(schema);
        e.mode = Mode.CONSISTENT;
        e.resolved.accumulateAndGet(resolved, (old, now) -> old == null || now.compareTo(old) > 0 ? now : old);
    }

    @Override
    public void schemaFailed(SchemaName schema, Mode mode, String message) {
        SchemaEntry e = schema(schema);
        if (e.mode == null) {
            e.mode = mode;
        }
        e.errors.increment();
        e.lastError = new LastError(Redaction.message(message), clock.instant());
    }

    /**
     * Logs the blockage as one ERROR line the first time the scope reports it (and again only when its line changes),
     * then keeps it for {@link #snapshot}, {@code /_/healthz} and the {@code replication_blocked} metric until the
     * scope is cleared.
     */
    @Override
    public void blocked(String scope, Blockage blockage) {
        Blocked now = blocked.compute(scope, (s, was) -> was != null && was.blockage.line().equals(blockage.line())
                ? was.again() : new Blocked(blockage, clock.instant(), 1));
        if (now.attempts == 1) {
            LOG.error("{} waits: {}", scope, Redaction.message(blockage.line()));
        }
    }

    @Override
    public void cleared(String scope) {
        if (blocked.isEmpty()) {
            return;
        }
        Blocked was = blocked.remove(scope);
        if (was != null) {
            LOG.info("{} resumed after {} failed attempts: {}", scope, was.attempts,
                    Redaction.message(was.blockage.reason()));
        }
    }

    /** What waits for the operator now, by scope. */
    public List<StatusSnapshot.BlockedView> blocked() {
        List<StatusSnapshot.BlockedView> views = new ArrayList<>();
        blocked.forEach((scope, b) -> views.add(new StatusSnapshot.BlockedView(scope, b.blockage, b.since,
                b.attempts)));
        views.sort(Comparator.comparing(StatusSnapshot.BlockedView::scope));
        return views;
    }

    private record Blocked(Blockage blockage, Instant since, long attempts) {
        Blocked again() {
            return new Blocked(blockage, since, attempts + 1);
        }
    }

    /** The status of a logical replication loop, created on first use. */
    public Loop loop(String name) {
        return loops.computeIfAbsent(name, n -> new Loop());
    }

    /** Adds one sample of the overall lag to the history, if any source knows its lag. */
    public void sample() {
        StatusSnapshot s = snapshot();
        s.lag().ifPresent(l -> history.add(s.now(), l.toMillis() / 1000.0));
    }

    public StatusSnapshot snapshot() {
        Instant now = clock.instant();
        List<TableView> tableViews = new ArrayList<>();
        Map<SchemaName, List<TableView>> bySchema = new HashMap<>();
        for (Map.Entry<TableName, TableEntry> t : tables.entrySet()) {
            TableView v = t.getValue().view(t.getKey());
            tableViews.add(v);
            bySchema.computeIfAbsent(t.getKey().schemaName(), k -> new ArrayList<>()).add(v);
        }
        tableViews.sort(Comparator.comparing(v -> v.table().toString()));

        List<SchemaView> schemaViews = new ArrayList<>();
        java.util.Set<SchemaName> names = new java.util.HashSet<>(bySchema.keySet());
        names.addAll(schemas.keySet());
        for (SchemaName name : names) {
            schemaViews.add(schemaView(name, schemas.get(name), bySchema.getOrDefault(name, List.of()), now));
        }
        schemaViews.sort(Comparator.comparing(v -> v.schema().toString()));

        List<LoopView> loopViews = new ArrayList<>();
        loops.forEach((name, loop) -> loopViews.add(loop.view(name)));
        loopViews.sort(Comparator.comparing(LoopView::name));

        long rows = untrackedTable.upserts.sum() + untrackedTable.deletes.sum();
        long errors = untrackedTable.errors.sum() + untrackedSchema.errors.sum();
        for (TableView v : tableViews) {
            rows += v.rowsApplied();
            errors += v.errors();
        }
        Optional<Duration> lag = Optional.empty();
        for (SchemaView v : schemaViews) {
            errors += v.errors();
            lag = max(lag, v.lag());
        }
        for (LoopView v : loopViews) {
            errors += v.errors();
            lag = max(lag, v.lag());
        }
        return new StatusSnapshot(now, startedAt, rows, errors, lag, blocked(), schemaViews, loopViews, tableViews,
                history.samples());
    }

    private static Optional<Duration> max(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().compareTo(b.get()) >= 0 ? a : b;
    }

    private static SchemaView schemaView(SchemaName name, SchemaEntry entry, List<TableView> tables, Instant now) {
        long rows = 0;
        TableView newest = null;
        for (TableView t : tables) {
            rows += t.rowsApplied();
            if (newest == null || t.lastApplied().orElse(Instant.MIN).isAfter(newest.lastApplied()
                    .orElse(Instant.MIN))) {
                newest = t;
            }
        }
        Optional<Hlc> resolved = entry == null ? Optional.empty() : Optional.ofNullable(entry.resolved.get());
        String mode = newest != null ? newest.mode()
                : entry != null && entry.mode != null ? entry.mode.label() : Mode.CONSISTENT.label();
        Optional<Duration> lag = resolved.map(h -> {
            Duration d = Duration.between(Instant.ofEpochSecond(0, h.nanos()), now);
            return d.isNegative() ? Duration.ZERO : d;
        });
        return new SchemaView(name, mode, resolved, lag, rows, entry == null ? 0 : entry.errors.sum(),
                Optional.ofNullable(entry == null ? null : entry.lastError));
    }

    /**
     * The table's entry. Beyond {@link #MAX_ENTRIES} tables a new one gets an entry that is not kept (its errors still
     * count in the total): requests naming ever new tables cannot grow the status without bound.
     */
    private TableEntry table(TableName name) {
        TableEntry e = tables.get(name);
        if (e != null) {
            return e;
        }
        if (tables.size() >= MAX_ENTRIES) {
            return untrackedTable;
        }
        return tables.computeIfAbsent(name, n -> new TableEntry());
    }

    /** The schema's entry; beyond {@link #MAX_ENTRIES} schemas, as for tables. */
    private SchemaEntry schema(SchemaName name) {
        SchemaEntry e = schemas.get(name);
        if (e != null) {
            return e;
        }
        if (schemas.size() >= MAX_ENTRIES) {
            return untrackedSchema;
        }
        return schemas.computeIfAbsent(name, n -> new SchemaEntry());
    }

    private static final class TableEntry {
        final LongAdder upserts = new LongAdder();
        final LongAdder deletes = new LongAdder();
        final LongAdder deadLettered = new LongAdder();
        final LongAdder errors = new LongAdder();
        volatile Mode mode = Mode.CONSISTENT;
        volatile long lastAppliedMillis;
        volatile LastError lastError;

        TableView view(TableName name) {
            long last = lastAppliedMillis;
            return new TableView(name, mode.label(), upserts.sum(), deletes.sum(),
                    last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)), deadLettered.sum(),
                    errors.sum(),
                    Optional.ofNullable(lastError));
        }
    }

    private static final class SchemaEntry {
        final AtomicReference<Hlc> resolved = new AtomicReference<>();
        final LongAdder errors = new LongAdder();
        volatile Mode mode;
        volatile LastError lastError;
    }

    /** What a logical loop reports: its mode, durable position, lag, rows and failures. */
    public final class Loop {
        private final LongAdder rows = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private volatile Mode mode = Mode.CONSISTENT;
        private volatile String position;
        private volatile Instant commitTime;
        private volatile Duration lag;
        private volatile LastError lastError;
        private volatile StatusSnapshot.LoadView load;

        private Loop() {
        }

        /** The progress of the loop's snapshot load. */
        public void load(StatusSnapshot.LoadView value) {
            load = Objects.requireNonNull(value, "value");
        }

        public void mode(Mode value) {
            mode = Objects.requireNonNull(value, "mode");
        }

        /** The newest source position durable in the target, and its source commit time. */
        public void position(String text, Instant commit) {
            position = Objects.requireNonNull(text, "text");
            commitTime = Objects.requireNonNull(commit, "commit");
        }

        /** Age of the newest durable commit while work is pending; zero when caught up. */
        public void lag(Duration value) {
            lag = value.isNegative() ? Duration.ZERO : value;
        }

        public void applied(long count) {
            rows.add(count);
        }

        public void failed(String message) {
            errors.increment();
            lastError = new LastError(Redaction.message(message), clock.instant());
        }

        LoopView view(String name) {
            return new LoopView(name, mode.label(), Optional.ofNullable(position), Optional.ofNullable(commitTime),
                    Optional.ofNullable(lag), rows.sum(), errors.sum(), Optional.ofNullable(lastError),
                    Optional.ofNullable(load));
        }
    }
}
