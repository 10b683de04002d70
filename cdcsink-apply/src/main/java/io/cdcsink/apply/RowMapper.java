package io.cdcsink.apply;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns incoming rows (keyed by source property names) into rows keyed by target column names, following a table's
 * configuration: renames ({@code src_name}), ignored properties, and the extras column that gathers unknown
 * properties. Names are matched exactly (case-sensitive) and by name, never by counting.
 */
final class RowMapper {
    private final TableInfo table;
    private final TableConfig config;
    /** Every property name that maps somewhere or is dropped on purpose. */
    private final Set<String> known = new HashSet<>();
    /** Without a configuration, a row whose properties are all writable columns passes through unchanged. */
    private final boolean passThrough;
    /** The names of the columns that are not generated. */
    private final Set<String> writable = new HashSet<>();
    /**
     * The last row {@link #writesAll} and {@link #unknown} looked at, and their answers: the rows of a batch mostly
     * share one array of names ({@link Row#namedAs}), so each set of names is looked up once.
     */
    private Row lastWritesAll;
    private boolean lastWritesAllAnswer;
    private Row lastUnknown;
    private Set<String> lastUnknownAnswer;
    private Row lastWritten;
    private List<ColumnInfo> lastWrittenAnswer;
    /** The lists {@link #written(Row)} returns, one per distinct set of columns. */
    private final Map<BitSet, List<ColumnInfo>> writtenSets = new HashMap<>();

    RowMapper(TableInfo table, TableConfig config) {
        this.table = table;
        this.config = config;
        for (ColumnInfo c : table.columns()) {
            // Generated columns are accepted (and never written), like every other column of the table.
            known.add(config.sourceName(c.name()));
        }
        known.addAll(config.ignored());
        for (ColumnInfo c : table.columns()) {
            if (!c.generated()) {
                writable.add(c.name());
            }
        }
        passThrough = config.isEmpty();
    }

    TableConfig config() {
        return config;
    }

    /** What is wrong with the configuration for this table: a configured column that the table lacks, etc. */
    static Optional<String> configProblem(TableInfo table, TableConfig config) {
        for (String cas : config.casColumns()) {
            if (table.column(cas).isEmpty()) {
                return Optional.of("apply_config: CAS column " + cas + " not found in table " + table.name());
            }
        }
        for (String c : config.deadlines().keySet()) {
            if (table.column(c).isEmpty()) {
                return Optional.of("apply_config: deadline column " + c + " not found in table " + table.name());
            }
        }
        for (String c : config.exprs().keySet()) {
            if (table.column(c).isEmpty()) {
                return Optional.of("apply_config: expression column " + c + " not found in table " + table.name());
            }
        }
        for (String c : config.sourceNames().keySet()) {
            if (table.column(c).isEmpty()) {
                return Optional.of("apply_config: renamed column " + c + " not found in table " + table.name());
            }
        }
        if (config.extras().isPresent()) {
            String c = config.extras().get();
            Optional<ColumnInfo> info = table.column(c);
            if (info.isEmpty()) {
                return Optional.of("apply_config: extras column " + c + " not found in table " + table.name());
            }
            if (info.get().generated() || !info.get().type().toLowerCase(java.util.Locale.ROOT).startsWith("json")) {
                return Optional.of("apply_config: extras column " + c + " of table " + table.name()
                        + " must be a writable json or jsonb column, not " + info.get().type());
            }
        }
        return Optional.empty();
    }

    /** The row's properties that neither map to a column nor are ignored, sorted. */
    Set<String> unknown(Row row) {
        if (row.namedAs(lastUnknown)) {
            return lastUnknownAnswer;
        }
        Set<String> out = null;
        for (String name : row.names()) {
            if (!known.contains(name)) {
                if (out == null) {
                    out = new TreeSet<>();
                }
                out.add(name);
            }
        }
        lastUnknown = row;
        lastUnknownAnswer = out == null ? Set.of() : Collections.unmodifiableSet(out);
        return lastUnknownAnswer;
    }

    /** True when the row carries what feeds the column (or the column's value is a constant expression). */
    boolean feeds(Row row, ColumnInfo column) {
        String source = config.sourceName(column.name());
        return config.constant(column.name()) || (row.has(source) && !config.ignored().contains(source));
    }

    /**
     * The row keyed by target column names: only the columns the row feeds (sparse rows stay sparse), generated
     * columns left out, and, when an extras column is configured, that column set to the object of the unknown
     * properties (SQL NULL when there are none and the row does not feed the column itself).
     */
    Row map(Row row) {
        if (passThrough && writesAll(row)) {
            // Without a configuration a row of writable columns is already keyed by target names: no copy needed,
            // and its received text can be written as it is.
            return row;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (ColumnInfo c : table.columns()) {
            String source = config.sourceName(c.name());
            if (!c.generated() && row.has(source) && !config.ignored().contains(source)) {
                out.set(c.name(), row.get(source));
            }
        }
        if (config.extras().isPresent()) {
            String extras = config.extras().get();
            ObjectNode gathered = JsonNodeFactory.instance.objectNode();
            for (String name : row.names()) {
                if (!known.contains(name)) {
                    gathered.set(name, row.get(name));
                }
            }
            if (!gathered.isEmpty()) {
                out.set(extras, gathered);
            } else if (!out.has(extras)) {
                out.set(extras, NullNode.getInstance());
            }
        }
        return Row.of(out);
    }

    /** True when every property of the row is a writable column (no generated column, nothing unknown). */
    private boolean writesAll(Row row) {
        if (row.namedAs(lastWritesAll)) {
            return lastWritesAllAnswer;
        }
        boolean all = true;
        for (String name : row.names()) {
            if (!writable.contains(name)) {
                all = false;
                break;
            }
        }
        lastWritesAll = row;
        lastWritesAllAnswer = all;
        return all;
    }

    /**
     * The columns a mapped row writes, in table order: those it carries plus constant expressions. Rows that write
     * the same columns get the same list instance.
     */
    List<ColumnInfo> written(Row mapped) {
        if (mapped.namedAs(lastWritten)) {
            return lastWrittenAnswer;
        }
        List<ColumnInfo> columns = table.columns();
        BitSet set = new BitSet(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo c = columns.get(i);
            if (!c.generated() && (mapped.has(c.name()) || config.constant(c.name()))) {
                set.set(i);
            }
        }
        lastWritten = mapped;
        lastWrittenAnswer = writtenSets.computeIfAbsent(set, s -> s.stream().mapToObj(columns::get).toList());
        return lastWrittenAnswer;
    }
}
