package io.cdcsink.metadata;

import io.cdcsink.engine.TableConfig;
import io.cdcsink.api.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns the rows of {@code apply_config} into one {@link TableConfig} per table, or a reason it is invalid. */
final class ApplyConfigBuilder {
    /** A table's configuration, or why its rows do not form one. */
    record Outcome(Optional<TableConfig> config, Optional<String> problem) {
        static Outcome ok(TableConfig config) {
            return new Outcome(Optional.of(config), Optional.empty());
        }

        static Outcome invalid(String problem) {
            return new Outcome(Optional.empty(), Optional.of(problem));
        }
    }

    private ApplyConfigBuilder() {
    }

    /** One outcome per table that has rows, in first-seen order. */
    static Map<TableName, Outcome> build(List<ApplyConfigRow> rows) {
        Map<TableName, List<ApplyConfigRow>> byTable = new LinkedHashMap<>();
        rows.forEach(r -> byTable.computeIfAbsent(r.table(), k -> new ArrayList<>()).add(r));
        Map<TableName, Outcome> out = new LinkedHashMap<>();
        byTable.forEach((table, tableRows) -> out.put(table, table(table, tableRows)));
        return out;
    }

    private static Outcome table(TableName table, List<ApplyConfigRow> rows) {
        TreeMap<Integer, String> cas = new TreeMap<>();
        Map<String, Duration> deadlines = new TreeMap<>();
        Map<String, String> exprs = new TreeMap<>();
        Set<String> ignored = new TreeSet<>();
        Map<String, String> sourceNames = new TreeMap<>();
        String extras = null;
        for (ApplyConfigRow r : rows) {
            if (r.casOrder() > 0) {
                String previous = cas.put(r.casOrder(), r.column());
                if (previous != null) {
                    return Outcome.invalid(table + ": cas_order " + r.casOrder() + " is used by both columns "
                            + previous + " and " + r.column() + "; cas_order must be unique per table");
                }
            }
            if (r.deadline().compareTo(Duration.ZERO) > 0) {
                deadlines.put(r.column(), r.deadline());
            }
            if (!r.expr().isEmpty()) {
                exprs.put(r.column(), r.expr());
            }
            if (r.extras()) {
                if (extras != null) {
                    return Outcome.invalid(table + ": columns " + extras + " and " + r.column()
                            + " are both configured as the extras column; a table has at most one");
                }
                extras = r.column();
            }
            if (r.ignore()) {
                ignored.add(r.column());
            }
            if (!r.srcName().isEmpty()) {
                sourceNames.put(r.column(), r.srcName());
            }
        }
        int expected = 1;
        for (Map.Entry<Integer, String> e : cas.entrySet()) {
            if (e.getKey() != expected) {
                return Outcome.invalid(table + ": cas_order values must be contiguous from 1, but " + expected
                        + " is missing (column " + e.getValue() + " has cas_order " + e.getKey() + ")");
            }
            expected++;
        }
        try {
            return Outcome.ok(new TableConfig(new ArrayList<>(cas.values()), deadlines, exprs,
                    Optional.ofNullable(extras), ignored, sourceNames));
        } catch (IllegalArgumentException e) {
            return Outcome.invalid(table + ": " + e.getMessage());
        }
    }
}
