package io.cdcsink.apply;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.TargetDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Test-only applier for tables shaped {@code (id INT PRIMARY KEY, v TEXT)}: upserts {@code {"id":..,"v":..}} and
 * deletes by key {@code [id]}, for real, in the caller's transaction. Also logs every applied mutation into
 * {@code public.apply_log} when that table exists, and can be told to fail or to watch for overlapping calls.
 */
final class RowApplier implements Applier {
    private final TargetDialect dialect = TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** Fail this many more calls for tables matching {@link #failOn}. */
    final AtomicInteger failures = new AtomicInteger();
    volatile Predicate<TableName> failOn = t -> true;
    volatile boolean log;
    volatile long sleepMillis;
    volatile ApplyHook hook = (tx, table) -> { };

    interface ApplyHook {
        void before(Connection tx, TableName table) throws SQLException;
    }

    @Override
    public void validate(Connection tx, TableName table, List<Mutation> mutations) {
        // The resolver never validates; its tests exercise only apply().
    }

    @Override
    public ApplyResult apply(Connection tx, TableName table, List<Mutation> mutations) throws SQLException {
        calls.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            hook.before(tx, table);
            if (failOn.test(table) && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new SQLException("injected failure applying " + table);
            }
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            return write(tx, table, mutations);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private ApplyResult write(Connection tx, TableName table, List<Mutation> mutations) throws SQLException {
        String q = dialect.qualify(table);
        long upserts = 0;
        long deletes = 0;
        try (PreparedStatement up = tx.prepareStatement("INSERT INTO " + q + " (id, v) "
                + "SELECT (j->>'id')::INT, j->>'v' FROM (SELECT ?::JSONB AS j) s "
                + "ON CONFLICT (id) DO UPDATE SET v = excluded.v");
             PreparedStatement del = tx.prepareStatement("DELETE FROM " + q + " WHERE id = (?::JSONB->>0)::INT")) {
            for (Mutation m : mutations) {
                if (m.isDelete()) {
                    del.setString(1, m.key());
                    del.addBatch();
                    deletes++;
                } else {
                    up.setString(1, m.data().orElseThrow());
                    up.addBatch();
                    upserts++;
                }
            }
            up.executeBatch();
            del.executeBatch();
        }
        if (log) {
            try (PreparedStatement ps = tx.prepareStatement(
                    "INSERT INTO public.apply_log (tbl, key, nanos, logical) VALUES (?, ?, ?, ?)")) {
                for (Mutation m : mutations) {
                    ps.setString(1, table.table());
                    ps.setString(2, m.key());
                    ps.setLong(3, m.time().nanos());
                    ps.setInt(4, m.time().logical());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return new ApplyResult(upserts, deletes);
    }
}
