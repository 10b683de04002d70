package io.cdcsink.apply;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Stager;
import io.cdcsink.engine.TargetPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a schema's next resolved window on a connection of its own while the resolver applies the current one: the
 * newest staged mutation per key of every staged table, decoded and checked by the applier ({@link Applier#prepare}).
 * The resolver's connection then only writes the window ({@link Applier#applyPrepared}) and removes its rows
 * ({@link Stager#discard}), so reading and decoding one window overlap with writing the one before; a backlog of
 * windows, such as the resolver trailing a burst of changefeed requests, is applied with the target's and this
 * process's work on two cores instead of taking turns on one.
 *
 * <p>Reading a window outside its transaction is safe because a resolved window does not change: every mutation at or
 * before a resolved timestamp was staged before the timestamp was (a changefeed sends it only after they were
 * accepted), and a redelivered mutation carries the same (time, key) and the same change. The window is still checked
 * when it is applied: its lower bound must be the schema's last applied window, its tables the staged tables, and
 * the staged batches overlapping it must be those it was read from, else the window's transaction fails and is
 * retried with an ordinary drain.
 *
 * <p>Only windows of at most {@code limit} staged mutations are read ahead (counting whole batches when a window is
 * read from the table), so memory stays bounded; larger windows are drained as before. Errors are not reported here: a window that cannot
 * be read ahead is drained, which reports them.
 */
final class ReadAhead implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReadAhead.class);
    /** How long the resolver waits for a read in progress before it drains the window itself. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final TargetPools pools;
    private final Stager stager;
    private final Applier applier;
    private final ResolvedTimestamps timestamps;
    private final int limit;
    private final ExecutorService executor;
    private final Map<SchemaName, CompletableFuture<Optional<Window>>> reads = new ConcurrentHashMap<>();

    /** A window read ahead: its bounds, the staged tables then, and per table what was read and prepared. */
    record Window(Optional<Hlc> after, Hlc upTo, List<TableName> tables, Map<TableName, Stager.Peeked> peeked,
                  Map<TableName, PreparedBatch> prepared) {
        Window {
            tables = List.copyOf(tables);
            peeked = Map.copyOf(peeked);
            prepared = Map.copyOf(prepared);
        }
    }

    ReadAhead(TargetPools pools, Stager stager, Applier applier, ResolvedTimestamps timestamps, int limit) {
        this.pools = pools;
        this.stager = stager;
        this.applier = applier;
        this.timestamps = timestamps;
        this.limit = limit;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-sink-read-ahead");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts reading the schema's window after {@code applying}, if one is pending, unless a read is under way. */
    void start(SchemaName schema, Hlc applying) {
        try {
            reads.computeIfAbsent(schema, s -> CompletableFuture.supplyAsync(() -> read(s, applying), executor));
        } catch (RejectedExecutionException e) {
            log.debug("not reading ahead for {}: closed", schema);
        }
    }

    /**
     * The window after {@code after} up to {@code upTo} if it was read ahead; waits for a read under way. Any other
     * window read ahead for the schema is dropped.
     */
    Optional<Window> take(SchemaName schema, Optional<Hlc> after, Hlc upTo) {
        CompletableFuture<Optional<Window>> read = reads.remove(schema);
        if (read == null) {
            return Optional.empty();
        }
        try {
            return read.get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .filter(w -> w.after().equals(after) && w.upTo().equals(upTo));
        } catch (TimeoutException e) {
            log.debug("reading the window up to {} of {} ahead took over {}; draining it instead", upTo, schema,
                    MAX_WAIT);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<Window> read(SchemaName schema, Hlc after) {
        Optional<Window> read;
        try (Connection conn = pools.forDatabase(schema.database()).getConnection()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                read = peek(conn, schema, after);
            } finally {
                conn.rollback();
                conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not read the window after {} of {} ahead; it will be drained", after, schema, e);
            return Optional.empty();
        }
        // Preparing may describe a table or load apply_config, each on a connection of its own: done once this read's
        // connection is back in the pool, so the read never holds one connection while it waits for another.
        try {
            return read.map(this::prepare);
        } catch (RuntimeException e) {
            log.debug("could not prepare the window after {} of {} ahead; it will be drained", after, schema, e);
            return Optional.empty();
        }
    }

    /** The window's staged mutations, newest per key, not yet prepared; empty unless every table fits the limit. */
    private Optional<Window> peek(Connection conn, SchemaName schema, Hlc after) throws SQLException {
        Optional<Hlc> upTo = timestamps.nextPending(conn, schema, after);
        if (upTo.isEmpty()) {
            return Optional.empty();
        }
        List<TableName> tables = stager.stagedTables(conn, schema);
        Map<TableName, Stager.Peeked> peeked = new HashMap<>();
        long rows = 0;
        for (TableName table : tables) {
            Optional<Stager.Peeked> p = stager.peek(conn, table, Optional.of(after), upTo.get(), (int) (limit - rows));
            if (p.isEmpty()) {
                return Optional.empty();
            }
            rows += p.get().stagedRows();
            peeked.put(table, p.get());
        }
        return Optional.of(new Window(Optional.of(after), upTo.get(), tables, peeked, Map.of()));
    }

    private Window prepare(Window read) {
        Map<TableName, PreparedBatch> prepared = new HashMap<>();
        read.peeked().forEach((table, p) -> prepared.put(table, applier.prepare(table, p.mutations())));
        return new Window(read.after(), read.upTo(), read.tables(), read.peeked(), prepared);
    }

    /** Stops reading ahead; a resolver waiting for a read gets none. */
    @Override
    public void close() {
        executor.shutdownNow();
        reads.values().forEach(read -> read.complete(Optional.empty()));
    }
}
