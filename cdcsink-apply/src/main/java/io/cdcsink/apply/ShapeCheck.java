package io.cdcsink.apply;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks decoded mutations against a table's description and says what does not fit. Columns are compared by name
 * (set difference), never by counting, so one property can never hide another: an {@code ignore} entry for a
 * property that is absent cannot mask a property that is unknown.
 */
final class ShapeCheck {
    private ShapeCheck() {
    }

    /** The first problem found, as a message naming the table; empty when every mutation fits. */
    static Optional<String> problem(TableName name, Optional<TableInfo> table, List<DecodedMutation> mutations) {
        return problem(name, table, TableConfig.EMPTY, mutations);
    }

    /** As {@link #problem(TableName, Optional, List)}, with the table's apply configuration in force. */
    static Optional<String> problem(TableName name, Optional<TableInfo> table, TableConfig config,
                                    List<DecodedMutation> mutations) {
        return problem(name, table, config, mutations, false);
    }

    /**
     * As {@link #problem(TableName, Optional, TableConfig, List)}, but properties that are no column pass: what else
     * is wrong with rows that the target is behind (it lacks their columns) and that would stay wrong once it caught up.
     */
    static Optional<String> problemBesidesUnknownColumns(TableName name, Optional<TableInfo> table,
                                                         TableConfig config, List<DecodedMutation> mutations) {
        return problem(name, table, config, mutations, true);
    }

    private static Optional<String> problem(TableName name, Optional<TableInfo> table, TableConfig config,
                                            List<DecodedMutation> mutations, boolean unknownPass) {
        if (table.isEmpty()) {
            return Optional.of("unknown table " + name);
        }
        TableInfo info = table.get();
        List<ColumnInfo> key = info.primaryKey();
        if (key.isEmpty()) {
            return Optional.of("table " + name + " has no primary key; cdc-sink needs one to apply mutations");
        }
        Optional<String> configProblem = RowMapper.configProblem(info, config);
        if (configProblem.isPresent()) {
            return configProblem;
        }
        RowMapper mapper = new RowMapper(info, config);
        for (DecodedMutation m : mutations) {
            if (hasNull(m)) {
                // Staged, such a row could never be applied (primary keys are NOT NULL) and would stop the resolver.
                return Optional.of("table " + name + ": key " + m.keyText() + " at " + m.time()
                        + " has a null value; primary key values cannot be null");
            }
            Optional<String> problem = m.isDelete() ? deleteProblem(name, key, m)
                    : upsertProblem(name, key, mapper, m, unknownPass);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static boolean hasNull(DecodedMutation m) {
        for (int i = 0; i < m.key().size(); i++) {
            if (m.key().get(i).isNull()) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> deleteProblem(TableName name, List<ColumnInfo> key, DecodedMutation m) {
        // Generated key columns count: CockroachDB's changefeed keys include a hash-sharded index's shard column.
        if (m.key().size() != key.size()) {
            return Optional.of("table " + name + ": key " + m.keyText() + " has " + m.key().size()
                    + " values but table " + name + " has " + key.size() + " primary key columns");
        }
        return Optional.empty();
    }

    private static Optional<String> upsertProblem(TableName name, List<ColumnInfo> key, RowMapper mapper,
                                                  DecodedMutation m, boolean unknownPass) {
        Row row = m.after().orElseThrow();
        Set<String> unknown = mapper.unknown(row);
        if (!unknown.isEmpty() && mapper.config().extras().isEmpty() && !unknownPass) {
            return Optional.of("table " + name + ": unknown columns " + unknown + " in mutation with key "
                    + m.keyText() + " at " + m.time());
        }
        List<String> missing = new ArrayList<>();
        for (ColumnInfo c : key) {
            // A generated key column is computed by the target, so the row need not carry it.
            String source = mapper.config().sourceName(c.name());
            if (!c.generated() && !mapper.feeds(row, c)) {
                missing.add(source.equals(c.name()) ? c.name() : source + " (for " + c.name() + ")");
            } else if (row.isNull(source) && mapper.config().expr(c.name()).isEmpty()
                    && !mapper.config().constant(c.name())) {
                return Optional.of("table " + name + ": primary key column " + source + " is null in mutation with key "
                        + m.keyText() + " at " + m.time() + "; primary key values cannot be null");
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of("table " + name + ": missing primary key column" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " in mutation with key " + m.keyText() + " at " + m.time());
        }
        return Optional.empty();
    }
}
