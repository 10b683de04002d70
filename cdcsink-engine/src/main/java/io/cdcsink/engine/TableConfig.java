package io.cdcsink.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How mutations of one target table are applied (the {@code apply_config} rows of that table). Every name is a raw,
 * case-sensitive target column name unless said otherwise. The empty configuration ({@link #EMPTY}) applies rows
 * as they come.
 *
 * @param casColumns  compare-and-set columns in comparison order; an upsert of an existing row is applied only when
 *                    the incoming tuple of these columns is strictly greater than the stored one
 * @param deadlines   per column, how old the incoming value may be compared with the target's {@code now()}; older
 *                    upserts are discarded. Every duration is positive
 * @param exprs       per column, a SQL expression written instead of the value; {@code $0} stands for the incoming
 *                    value and may appear any number of times, or not at all (a constant)
 * @param extras      the JSONB column that receives the properties that match no column, if any
 * @param ignored     source property names that are dropped
 * @param sourceNames per target column, the name of the source property that feeds it (renames)
 */
public record TableConfig(List<String> casColumns, SortedMap<String, Duration> deadlines,
                          SortedMap<String, String> exprs, Optional<String> extras, SortedSet<String> ignored,
                          SortedMap<String, String> sourceNames) {
    public static final TableConfig EMPTY = new TableConfig(List.of(), Map.of(), Map.of(), Optional.empty(),
            Set.of(), Map.of());

    /** The placeholder an expression uses for the incoming value. */
    public static final String PLACEHOLDER = "$0";

    public TableConfig {
        casColumns = List.copyOf(casColumns);
        Set<String> seen = new HashSet<>();
        for (String c : casColumns) {
            requireColumn("CAS column", c);
            if (!seen.add(c)) {
                throw new IllegalArgumentException("column " + c + " appears twice among the CAS columns");
            }
        }
        deadlines.forEach((c, d) -> {
            requireColumn("deadline column", c);
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("deadline of column " + c + " must be positive, got " + d);
            }
        });
        exprs.forEach((c, e) -> {
            requireColumn("expression column", c);
            if (e == null || e.isBlank()) {
                throw new IllegalArgumentException("empty expression for column " + c);
            }
        });
        Objects.requireNonNull(extras, "extras");
        extras.ifPresent(c -> requireColumn("extras column", c));
        ignored.forEach(c -> requireColumn("ignored property", c));
        sourceNames.forEach((c, s) -> {
            requireColumn("renamed column", c);
            requireColumn("source name of column " + c, s);
        });
        deadlines = Collections.unmodifiableSortedMap(new TreeMap<>(deadlines));
        exprs = Collections.unmodifiableSortedMap(new TreeMap<>(exprs));
        ignored = Collections.unmodifiableSortedSet(new TreeSet<>(ignored));
        sourceNames = Collections.unmodifiableSortedMap(new TreeMap<>(sourceNames));
    }

    /** Convenience constructor taking plain maps and sets (copied and sorted). */
    public TableConfig(List<String> casColumns, Map<String, Duration> deadlines, Map<String, String> exprs,
                       Optional<String> extras, Set<String> ignored, Map<String, String> sourceNames) {
        this(casColumns, new TreeMap<>(deadlines), new TreeMap<>(exprs), extras, new TreeSet<>(ignored),
                new TreeMap<>(sourceNames));
    }

    /** True when nothing is configured. */
    public boolean isEmpty() {
        return equals(EMPTY);
    }

    /** True when some upserts may be discarded (CAS or deadlines). */
    public boolean conditional() {
        return !casColumns.isEmpty() || !deadlines.isEmpty();
    }

    /** The source property that feeds a target column: its configured source name, else its own name. */
    public String sourceName(String column) {
        return sourceNames.getOrDefault(column, column);
    }

    /** The column's expression, if any. */
    public Optional<String> expr(String column) {
        return Optional.ofNullable(exprs.get(column));
    }

    /** True when the column has an expression that does not use the incoming value. */
    public boolean constant(String column) {
        String e = exprs.get(column);
        return e != null && !e.contains(PLACEHOLDER);
    }

    /** Every target column this configuration names except ignored properties (which are source names). */
    public List<String> referencedColumns() {
        List<String> out = new ArrayList<>(casColumns);
        out.addAll(deadlines.keySet());
        out.addAll(exprs.keySet());
        extras.ifPresent(out::add);
        out.addAll(sourceNames.keySet());
        return out;
    }

    private static void requireColumn(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty " + what + " name");
        }
    }
}
