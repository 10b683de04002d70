package io.cdcsink.mysql;

import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Records what a dialect reports, as text lines. */
final class RecordingEvents implements LogicalEvents {
    private final List<String> lines = new ArrayList<>();
    private final List<LogicalPosition> commits = new ArrayList<>();

    @Override
    public synchronized void begin() {
        lines.add("begin");
    }

    @Override
    public synchronized void upsert(TableName table, String keyJson, String rowJson) {
        lines.add("upsert " + table + " " + keyJson + " " + rowJson);
    }

    @Override
    public synchronized void move(TableName table, String oldKeyJson, String newKeyJson, String rowJson) {
        lines.add("move " + table + " " + oldKeyJson + " " + newKeyJson + " " + rowJson);
    }

    @Override
    public synchronized void delete(TableName table, String keyJson) {
        lines.add("delete " + table + " " + keyJson);
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
