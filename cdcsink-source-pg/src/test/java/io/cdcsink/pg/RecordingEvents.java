package io.cdcsink.pg;

import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records what a dialect reports, one line per call ({@code begin}, {@code upsert t k row}, {@code move t old new row},
 * {@code delete t k},
 * {@code truncate t}, {@code commit}, {@code rollback}). Every committed position counts as durable at once unless
 * {@link #holdDurable} is set. Lines are read from other threads, so access is synchronized.
 */
final class RecordingEvents implements LogicalEvents {
    private final List<String> lines = new ArrayList<>();
    private final List<LogicalPosition> commits = new ArrayList<>();
    volatile boolean holdDurable;

    @Override
    public synchronized void begin() {
        lines.add("begin");
    }

    @Override
    public synchronized void upsert(TableName table, SourceRow row) {
        lines.add("upsert " + table.schema() + "." + table.table() + " " + row.keyJson() + " " + row);
    }

    @Override
    public synchronized void move(TableName table, SourceRow oldKey, SourceRow row) {
        lines.add("move " + table.schema() + "." + table.table() + " " + oldKey.keyJson() + " " + row.keyJson() + " "
                + row);
    }

    @Override
    public synchronized void delete(TableName table, SourceRow key) {
        lines.add("delete " + table.schema() + "." + table.table() + " " + key.keyJson());
    }

    @Override
    public synchronized void truncate(TableName table) {
        lines.add("truncate " + table.schema() + "." + table.table());
    }

    @Override
    public synchronized void commit(LogicalPosition position) {
        lines.add("commit");
        commits.add(position);
    }

    @Override
    public synchronized void rollback() {
        lines.add("rollback");
    }

    @Override
    public synchronized Optional<LogicalPosition> durable() {
        return holdDurable || commits.isEmpty() ? Optional.empty() : Optional.of(commits.get(commits.size() - 1));
    }

    @Override
    public boolean caughtUp() {
        return !holdDurable;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized List<LogicalPosition> commits() {
        return List.copyOf(commits);
    }
}
