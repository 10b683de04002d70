package io.cdcsink.apply;

import io.cdcsink.api.ColumnInfo;
import io.cdcsink.api.TableInfo;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks decoded mutations against a table's description and says what does not fit. Columns are compared by name
 * (set difference), never by counting, so one property can never hide another.
 */
final class ShapeCheck {
    private ShapeCheck() {
    }

    /** The first problem found, as a message naming the table; empty when every mutation fits. */
    static Optional<String> problem(TableName name, Optional<TableInfo> table, List<DecodedMutation> mutations) {
        if (table.isEmpty()) {
            return Optional.of("unknown table " + name);
        }
        TableInfo info = table.get();
        List<ColumnInfo> key = info.primaryKey();
        if (key.isEmpty()) {
            return Optional.of("table " + name + " has no primary key; cdc-sink needs one to apply mutations");
        }
        Set<String> known = new HashSet<>();
        info.columns().forEach(c -> known.add(c.name()));
        for (DecodedMutation m : mutations) {
            Optional<String> problem = m.isDelete() ? deleteProblem(name, key, m) : upsertProblem(name, key, known, m);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> deleteProblem(TableName name, List<ColumnInfo> key, DecodedMutation m) {
        // Generated key columns count: CockroachDB's changefeed keys include a hash-sharded index's shard column.
        if (m.key().size() != key.size()) {
            return Optional.of("table " + name + ": key " + m.keyText() + " has " + m.key().size()
                    + " values but table " + name + " has " + key.size() + " primary key columns");
        }
        return Optional.empty();
    }

    private static Optional<String> upsertProblem(TableName name, List<ColumnInfo> key, Set<String> known,
                                                  DecodedMutation m) {
        Set<String> present = new HashSet<>();
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = m.after().orElseThrow().fieldNames(); it.hasNext(); ) {
            String field = it.next();
            present.add(field);
            if (!known.contains(field)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            return Optional.of("table " + name + ": unknown columns " + unknown + " in mutation with key "
                    + m.keyText() + " at " + m.time());
        }
        List<String> missing = new ArrayList<>();
        for (ColumnInfo c : key) {
            // A generated key column is computed by the target, so the row need not carry it.
            if (!c.generated() && !present.contains(c.name())) {
                missing.add(c.name());
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of("table " + name + ": missing primary key column" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " in mutation with key " + m.keyText() + " at " + m.time());
        }
        return Optional.empty();
    }
}
