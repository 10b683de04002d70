package io.cdcsink.verify;

import java.util.List;
import java.util.Objects;

/**
 * What comparing one table found. {@code problems} are differences of the tables themselves (no such table on the
 * target, no primary key, another key, a source column the target lacks); {@code shown} are the first differing rows
 * (at most {@code --maxDifferences}), while the counts count all of them.
 */
public record TableResult(String source, String target, long sourceRows, long targetRows, long chunks, long missing,
                          long extra, long changed, List<Difference> shown, List<String> problems,
                          List<String> notes) {
    public TableResult {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        shown = List.copyOf(shown);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean equal() {
        return problems.isEmpty() && missing == 0 && extra == 0 && changed == 0;
    }

    static TableResult problem(String source, String target, List<String> problems) {
        return new TableResult(source, target, 0, 0, 0, 0, 0, 0, List.of(), problems, List.of());
    }
}
