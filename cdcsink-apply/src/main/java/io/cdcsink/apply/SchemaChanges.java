package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.engine.TargetDialect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a target table is behind the rows meant for it (the source gained a table or columns, dropped a column the
 * target holds NOT NULL, renamed one, changed a type) and the DDL that brings it level. Rows of a log-based source
 * carry their {@link RowShape}, with the source's types when it knows them; changefeed rows carry JSON, whose values
 * suggest a type.
 */
final class SchemaChanges {
    /** Written where the type cannot be told; the reason says which type to choose. */
    static final String UNKNOWN_TYPE = "<type>";

    private SchemaChanges() {
    }

    /**
     * What the target lacks.
     *
     * @param reason   one sentence naming the table and the columns
     * @param fix      the DDL for the operator to run on the target, statements separated by {@code "; "}
     * @param additive the statements {@code --schemaEvolution additive} runs by itself (idempotent: {@code IF NOT
     *                 EXISTS}); empty when the change is not only additions of known types
     */
    record Change(TableName table, String reason, String fix, List<String> additive) {
        Change {
            additive = List.copyOf(additive);
        }

        Blockage blockage() {
            return new Blockage(Blockage.Kind.SCHEMA_CHANGE, Optional.of(table), Optional.empty(), reason,
                    Optional.of(fix));
        }
    }

    /**
     * Compares a log-based source's changes of one table with the target table: a missing table, source columns the
     * target lacks, target columns the rows lack that are NOT NULL without a default, and a column that looks
     * renamed (a new source column where a target column without a default the rows lack stands).
     */
    static Optional<Change> ofChanges(TargetDialect dialect, TableName table, Optional<TableInfo> info,
                                      TableConfig config, List<RowChange> changes) {
        // Distinct shapes, newest last; the rows of a batch nearly always share one.
        Map<RowShape, Boolean> shapes = new IdentityHashMap<>();
        List<RowShape> upserted = new ArrayList<>(1);
        RowShape last = null;
        RowShape newest = null;
        for (RowChange c : changes) {
            RowShape s = c.row().shape();
            newest = s;
            if (s == last) {
                continue;
            }
            last = s;
            if (shapes.put(s, Boolean.TRUE) == null && !c.delete()) {
                upserted.add(s);
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        if (info.isEmpty()) {
            return Optional.of(missingTable(dialect, table, newest));
        }
        if (upserted.isEmpty()) {
            return Optional.empty(); // deletes use the key alone
        }
        TableInfo target = info.get();
        Set<String> known = known(target, config);
        // Source column → its type (newest shape wins), in the order the columns first appear.
        Map<String, Optional<String>> added = new LinkedHashMap<>();
        Map<String, String> renamed = new LinkedHashMap<>();
        Set<String> dropped = new java.util.TreeSet<>();
        List<ColumnInfo> writable = target.columns().stream().filter(c -> !c.generated()).toList();
        for (RowShape s : upserted) {
            List<ColumnInfo> lacking = new ArrayList<>();
            for (ColumnInfo c : writable) {
                if (config.expr(c.name()).isEmpty() && !config.constant(c.name())
                        && s.position(config.sourceName(c.name())) < 0) {
                    lacking.add(c);
                }
            }
            if (config.extras().isEmpty()) {
                for (int i = 0; i < s.size(); i++) {
                    String name = s.column(i);
                    if (known.contains(name)) {
                        continue;
                    }
                    // A rename keeps the column's place; a drop and an add put the new one last.
                    ColumnInfo there = i < writable.size() ? writable.get(i) : null;
                    if (there != null && !there.hasDefault() && lacking.contains(there)) {
                        renamed.put(there.name(), name);
                    }
                    added.put(name, s.type(i));
                }
            }
            for (ColumnInfo c : lacking) {
                if (!c.nullable() && !c.hasDefault()) {
                    dropped.add(c.name());
                }
            }
        }
        if (added.isEmpty() && dropped.isEmpty()) {
            return Optional.empty();
        }
        String qualified = qualified(dialect, table);
        List<String> reasons = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        List<String> additions = new ArrayList<>();
        List<String> guarded = new ArrayList<>();
        boolean typesKnown = true;
        for (Map.Entry<String, Optional<String>> a : added.entrySet()) {
            String type = a.getValue().orElse(UNKNOWN_TYPE);
            typesKnown &= a.getValue().isPresent();
            if (renamed.containsValue(a.getKey())) {
                continue;
            }
            additions.add("ADD COLUMN " + dialect.quote(a.getKey()) + " " + type);
            guarded.add("ADD COLUMN IF NOT EXISTS " + dialect.quote(a.getKey()) + " " + type);
        }
        Set<String> addedNames = added.keySet();
        List<String> plainAdds = addedNames.stream().filter(n -> !renamed.containsValue(n)).toList();
        if (!plainAdds.isEmpty()) {
            reasons.add("the source has column" + plural(plainAdds) + " " + String.join(", ", plainAdds)
                    + " that the target lacks" + (typesKnown ? "" : " (give each the source column's type)"));
            fixes.add("ALTER TABLE " + qualified + " " + String.join(", ", additions));
        }
        for (Map.Entry<String, String> r : renamed.entrySet()) {
            dropped.remove(r.getKey());
            reasons.add("the source's rows have column " + r.getValue() + " where the target has " + r.getKey()
                    + ", which they lack: a rename, or a drop and an add");
            fixes.add("ALTER TABLE " + qualified + " RENAME COLUMN " + dialect.quote(r.getKey()) + " TO "
                    + dialect.quote(r.getValue()) + " (if renamed; else ALTER TABLE " + qualified + " ADD COLUMN "
                    + dialect.quote(r.getValue()) + " " + added.get(r.getValue()).orElse(UNKNOWN_TYPE) + ")");
        }
        if (!dropped.isEmpty()) {
            List<String> names = List.copyOf(dropped);
            reasons.add("the source's rows lack column" + plural(names) + " " + String.join(", ", names)
                    + ", which the target holds NOT NULL without a default");
            List<String> alters = names.stream()
                    .map(n -> "ALTER COLUMN " + dialect.quote(n) + " DROP NOT NULL").toList();
            fixes.add("ALTER TABLE " + qualified + " " + String.join(", ", alters));
        }
        boolean onlyAdds = typesKnown && renamed.isEmpty() && dropped.isEmpty() && !guarded.isEmpty();
        return Optional.of(new Change(table, "table " + table + ": " + String.join("; ", reasons),
                String.join("; ", fixes),
                onlyAdds ? List.of("ALTER TABLE " + qualified + " " + String.join(", ", guarded)) : List.of()));
    }

    private static Change missingTable(TargetDialect dialect, TableName table, RowShape shape) {
        List<String> columns = new ArrayList<>();
        boolean typesKnown = true;
        for (int i = 0; i < shape.size(); i++) {
            Optional<String> type = shape.type(i);
            typesKnown &= type.isPresent();
            columns.add(dialect.quote(shape.column(i)) + " " + type.orElse(UNKNOWN_TYPE));
        }
        List<String> key = new ArrayList<>();
        for (int i = 0; i < shape.keySize(); i++) {
            key.add(dialect.quote(shape.column(shape.keyPosition(i))));
        }
        String body = qualified(dialect, table) + " (" + String.join(", ", columns) + ", PRIMARY KEY ("
                + String.join(", ", key) + "))";
        return new Change(table, "table " + table + " does not exist on the target"
                + (typesKnown ? "" : " (give each column the source column's type)"), "CREATE TABLE " + body,
                typesKnown ? List.of("CREATE TABLE IF NOT EXISTS " + body) : List.of());
    }

    /**
     * Compares changefeed rows (decoded JSON) with the target table: a missing table or properties that are no column
     * (without an extras column). Types are guessed from the JSON values.
     */
    static Optional<Change> ofMutations(TargetDialect dialect, TableName table, Optional<TableInfo> info,
                                        TableConfig config, List<DecodedMutation> mutations) {
        if (info.isEmpty()) {
            return Optional.of(missingTable(dialect, table, mutations));
        }
        if (config.extras().isPresent()) {
            return Optional.empty();
        }
        Set<String> known = known(info.get(), config);
        Map<String, String> added = new LinkedHashMap<>();
        for (DecodedMutation m : mutations) {
            if (m.isDelete()) {
                continue;
            }
            Row row = m.after().orElseThrow();
            for (String name : row.names()) {
                if (!known.contains(name)) {
                    String guess = guess(row.get(name));
                    added.merge(name, guess, (was, now) -> UNKNOWN_TYPE.equals(was) ? now : was);
                }
            }
        }
        if (added.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = List.copyOf(added.keySet());
        List<String> adds = new ArrayList<>();
        added.forEach((n, t) -> adds.add("ADD COLUMN " + dialect.quote(n) + " " + t));
        return Optional.of(new Change(table, "table " + table + ": the changefeed's rows have column"
                + plural(names) + " " + String.join(", ", names) + " that the target lacks" + typeNote(added.values()),
                "ALTER TABLE " + qualified(dialect, table) + " " + String.join(", ", adds), List.of()));
    }

    private static Change missingTable(TargetDialect dialect, TableName table, List<DecodedMutation> mutations) {
        Optional<DecodedMutation> upsert = mutations.stream().filter(m -> !m.isDelete()).findFirst();
        if (upsert.isEmpty()) {
            return new Change(table, "table " + table + " does not exist on the target",
                    "CREATE TABLE " + qualified(dialect, table) + " with the source table's columns and primary key",
                    List.of());
        }
        DecodedMutation m = upsert.get();
        Row row = m.after().orElseThrow();
        Map<String, String> types = new LinkedHashMap<>();
        for (String name : row.names()) {
            types.put(name, guess(row.get(name)));
        }
        List<String> columns = new ArrayList<>();
        types.forEach((n, t) -> columns.add(dialect.quote(n) + " " + t));
        // The key's values name no columns: the key is the properties holding them, in order, when that is clear.
        List<String> key = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < m.key().size(); i++) {
            JsonNode value = m.key().get(i);
            for (String name : row.names()) {
                if (!used.contains(name) && value.equals(row.get(name))) {
                    used.add(name);
                    key.add(dialect.quote(name));
                    break;
                }
            }
        }
        String primaryKey = key.size() == m.key().size() ? String.join(", ", key) : "<the source's key columns>";
        return new Change(table, "table " + table + " does not exist on the target" + typeNote(types.values()),
                "CREATE TABLE " + qualified(dialect, table) + " (" + String.join(", ", columns) + ", PRIMARY KEY ("
                        + primaryKey + "))", List.of());
    }

    /**
     * The target's columns whose type differs from the source's: after the target refused a value, the likely cause
     * is a type the source changed. Empty when every type the rows carry matches (or none is known).
     */
    static Optional<Change> typeChanges(TargetDialect dialect, TableInfo info, TableConfig config,
                                        List<RowChange> changes) {
        Map<String, String[]> differing = new LinkedHashMap<>();
        RowShape last = null;
        for (RowChange c : changes) {
            RowShape s = c.row().shape();
            if (s == last) {
                continue;
            }
            last = s;
            for (ColumnInfo column : info.columns()) {
                int at = s.position(config.sourceName(column.name()));
                if (at < 0 || column.generated() || s.type(at).isEmpty()) {
                    continue;
                }
                String source = s.type(at).get();
                if (!comparable(source).equals(comparable(column.type()))) {
                    differing.put(column.name(), new String[] {column.type(), source});
                }
            }
        }
        if (differing.isEmpty()) {
            return Optional.empty();
        }
        List<String> what = new ArrayList<>();
        List<String> alters = new ArrayList<>();
        differing.forEach((name, types) -> {
            what.add(name + " is " + types[0] + " on the target and " + types[1] + " on the source");
            alters.add("ALTER COLUMN " + dialect.quote(name) + " TYPE " + types[1]);
        });
        return Optional.of(new Change(info.name(), "table " + info.name() + ": the target refused a value, and column "
                + String.join(", column ", what), "ALTER TABLE " + qualified(dialect, info.name()) + " "
                + String.join(", ", alters), List.of()));
    }

    /** A type's text as both catalogs may spell it: no quotes, no {@code pg_catalog.} or {@code public.}. */
    private static String comparable(String type) {
        String t = type.replace("\"", "").toLowerCase(Locale.ROOT).strip();
        for (String prefix : List.of("pg_catalog.", "public.")) {
            if (t.startsWith(prefix)) {
                t = t.substring(prefix.length());
            }
        }
        return t;
    }

    /** Every property name that maps to a column of the table or is ignored on purpose. */
    private static Set<String> known(TableInfo table, TableConfig config) {
        Set<String> known = new HashSet<>();
        for (ColumnInfo c : table.columns()) {
            known.add(config.sourceName(c.name()));
        }
        known.addAll(config.ignored());
        return known;
    }

    /**
     * The PostgreSQL type a changefeed's JSON value suggests: CockroachDB writes BOOL as a boolean, the integers as
     * integral numbers, DECIMAL and FLOAT as numbers, arrays as arrays, JSONB as itself and every other type as a
     * string; {@link #UNKNOWN_TYPE} for null.
     */
    static String guess(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return UNKNOWN_TYPE;
        }
        if (value.isBoolean()) {
            return "BOOL";
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? "INT8" : "NUMERIC";
        }
        if (value.isNumber()) {
            return "NUMERIC";
        }
        if (value.isTextual()) {
            return "TEXT";
        }
        return "JSONB";
    }

    private static String typeNote(Iterable<String> types) {
        for (String t : types) {
            if (UNKNOWN_TYPE.equals(t)) {
                return " (replace " + UNKNOWN_TYPE + " with the source column's type: its values so far are null)";
            }
        }
        return " (types guessed from the JSON values: use the source column's type where it differs)";
    }

    private static String plural(List<String> names) {
        return names.size() == 1 ? "" : "s";
    }

    private static String qualified(TargetDialect dialect, TableName table) {
        return dialect.quote(table.schema()) + "." + dialect.quote(table.table());
    }
}
