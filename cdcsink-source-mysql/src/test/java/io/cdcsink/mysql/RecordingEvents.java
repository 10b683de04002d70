package io.cdcsink.mysql;

import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Records what a dialect reports, as text lines: keys and rows as JSON of their values' text. */
final class RecordingEvents implements LogicalEvents {
    private final List<String> lines = new ArrayList<>();
    private final List<LogicalPosition> commits = new ArrayList<>();

    @Override
    public synchronized void begin() {
        lines.add("begin");
    }

    @Override
    public synchronized void upsert(TableName table, SourceRow row) {
        lines.add("upsert " + table + " " + row.keyJson() + " " + row);
    }

    @Override
    public synchronized void move(TableName table, SourceRow oldKey, SourceRow row) {
        lines.add("move " + table + " " + oldKey.keyJson() + " " + row.keyJson() + " " + row);
    }

    @Override
    public synchronized void delete(TableName table, SourceRow key) {
        lines.add("delete " + table + " " + key.keyJson());
    }

    @Override
    public synchronized void truncate(TableName table) {
        lines.add("truncate " + table);
    }

    @Override
    public synchronized void commit(LogicalPosition position) {
        lines.add("commit " + position.text());
        commits.add(position);
    }

    @Override
    public synchronized void rollback() {
        lines.add("rollback");
    }

    @Override
    public synchronized Optional<LogicalPosition> durable() {
        return commits.isEmpty() ? Optional.empty() : Optional.of(commits.get(commits.size() - 1));
    }

    @Override
    public boolean caughtUp() {
        return true;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized List<LogicalPosition> commits() {
        return List.copyOf(commits);
    }
}
