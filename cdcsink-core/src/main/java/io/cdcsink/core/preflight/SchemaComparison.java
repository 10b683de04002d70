package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.Severity;
import io.cdcsink.api.preflight.Finding;
import io.cdcsink.api.preflight.TableConstraints;
import io.cdcsink.api.preflight.SourceColumn;
import io.cdcsink.api.preflight.SourceTable;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.ForeignKeyGraph;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares a target table with the source table that feeds it, or, when there is no source to look at (webhook
 * mode), checks the target table alone. Pure: the catalogs are read elsewhere, so every rule here is unit-tested.
 *
 * <p>What is an ERROR: replication fails or loses data (missing table or column, an extra NOT NULL column without a
 * default, a different or missing primary key). What is a WARN: it may work, depending on the data or the order in
 * which rows arrive (type differences, constraints the source does not have, foreign keys in webhook immediate
 * mode). A foreign key on a cycle of tables that is not deferrable is an ERROR: no order of writes satisfies it.
 */
public final class SchemaComparison {

    /** How the mode checked writes rows of tables linked by foreign keys, which decides what their keys need. */
    public enum Ordering {
        /** Consistent mode, any source: a window or source transaction in one target transaction, in key order. */
        TRANSACTIONS,
        /** Immediate and backfill modes of the logical sources: linked tables share one fan shard. */
        ONE_PATH,
        /** Webhook {@code --immediate}: each request as it arrives, and a changefeed sends tables in any order. */
        ARRIVAL
    }

    private final Ordering ordering;
    private final ForeignKeyGraph foreignKeys;
    private final SchemaEvolution evolution;
    private final TargetDdl sql;

    /**
     * Without the target's foreign-key graph (cycles are not seen).
     *
     * @param outOfOrder rows are not applied a whole source transaction at a time ({@code --immediate}, or a backfill
     *                   window for the logical modes)
     */
    public SchemaComparison(boolean outOfOrder) {
        this(outOfOrder ? Ordering.ONE_PATH : Ordering.TRANSACTIONS, ForeignKeyGraph.EMPTY);
    }

    /**
     * @param ordering    how the mode writes rows of linked tables
     * @param foreignKeys the target database's foreign keys, for cycles and deferrability
     */
    public SchemaComparison(Ordering ordering, ForeignKeyGraph foreignKeys) {
        this(ordering, foreignKeys, SchemaEvolution.NONE);
    }

    /**
     * @param evolution {@link SchemaEvolution#ADDITIVE}: a missing table or column is created by the loop before its
     *                  first row, so it is a WARN naming the DDL it will run rather than an ERROR
     */
    public SchemaComparison(Ordering ordering, ForeignKeyGraph foreignKeys, SchemaEvolution evolution) {
        this(ordering, foreignKeys, evolution, TargetDialect.of(TargetDialect.Product.POSTGRESQL));
    }

    /** @param dialect the target's, for the DDL the findings suggest */
    public SchemaComparison(Ordering ordering, ForeignKeyGraph foreignKeys, SchemaEvolution evolution,
                            TargetDialect dialect) {
        this.ordering = ordering;
        this.foreignKeys = foreignKeys;
        this.evolution = evolution;
        this.sql = new TargetDdl(dialect);
    }

    /** A missing table or column: an ERROR, or what {@code --schemaEvolution additive} will run. */
    private Finding missing(String object, String what, String ddl) {
        return evolution == SchemaEvolution.ADDITIVE
                ? new Finding(Severity.WARN, object, what + "; --schemaEvolution additive creates it before its"
                        + " first row", ddl)
                : new Finding(Severity.ERROR, object, what, ddl);
    }

    /** Findings for one replicated table; {@code target} is empty when the target has no such table. */
    public List<Finding> compare(SourceTable source, Optional<TableInfo> target, TableConstraints targetConstraints) {
        List<Finding> out = new ArrayList<>();
        TableName name = source.target();
        if (target.isEmpty()) {
            out.add(missing(name.toString(), "table missing on the target (source table " + source.name() + ")",
                    "in database " + name.database() + ": " + createTable(source)));
            return out;
        }
        TableInfo table = target.get();
        for (SourceColumn column : source.columns()) {
            compareColumn(name, column, table.column(column.name()), out);
        }
        Set<String> sourceNames = source.columns().stream().map(SourceColumn::name).collect(Collectors.toSet());
        for (ColumnInfo extra : table.columns()) {
            if (!sourceNames.contains(extra.name())) {
                extraColumn(name, extra, out);
            }
        }
        compareKeys(source, table, out);
        foreignKeys(name, targetConstraints, out);
        uniqueKeys(name, source, targetConstraints, out);
        checks(name, source.constraints(), targetConstraints, out);
        if (out.stream().allMatch(f -> f.severity() == Severity.OK)) {
            out.add(new Finding(Severity.OK, name.toString(), "matches source table " + source.name() + " ("
                    + source.columns().size() + " columns)", ""));
        }
        return out;
    }

    /** Findings for a target table that has no source to compare with: it needs a key, and foreign keys. */
    public List<Finding> checkTarget(TableInfo table, TableConstraints constraints) {
        List<Finding> out = new ArrayList<>();
        TableName name = table.name();
        if (table.primaryKey().isEmpty()) {
            out.add(new Finding(Severity.ERROR, name.toString(), "no primary key: cdc-sink upserts and deletes by key",
                    sql.addPrimaryKey(name, "<the changefeed's key columns>")));
        }
        foreignKeys(name, constraints, out);
        if (out.isEmpty()) {
            out.add(new Finding(Severity.OK, name.toString(), "primary key (" + table.primaryKey().stream()
                    .map(ColumnInfo::name).collect(Collectors.joining(", ")) + "), no foreign keys", ""));
        }
        return out;
    }

    private void compareColumn(TableName table, SourceColumn column, Optional<ColumnInfo> target,
                               List<Finding> out) {
        String object = table + "." + column.name();
        if (target.isEmpty()) {
            out.add(missing(object, "column missing on the target (source type " + column.type() + ")",
                    sql.addColumn(table, column.name(), column.targetType())));
            return;
        }
        ColumnInfo col = target.get();
        if (col.generated()) {
            out.add(new Finding(Severity.WARN, object, "generated on the target: the source's values are not "
                    + "written", ""));
            return;
        }
        TypeCompatibility.Verdict verdict = TypeCompatibility.compare(column.type(), col.type());
        if (verdict.severity() != Severity.OK) {
            out.add(new Finding(verdict.severity(), object, verdict.reason(), ""));
        }
        if (column.nullable() && !col.nullable() && !col.primaryKey()) {
            out.add(new Finding(Severity.WARN, object, "NOT NULL on the target but nullable on the source: a NULL "
                    + "will fail to apply", sql.dropNotNull(table, column.name(), col.type())));
        }
    }

    private void extraColumn(TableName table, ColumnInfo extra, List<Finding> out) {
        if (!extra.nullable() && !extra.hasDefault() && !extra.generated()) {
            out.add(new Finding(Severity.ERROR, table + "." + extra.name(), "extra target column is NOT NULL "
                    + "without a default: inserts will fail", sql.dropNotNull(table, extra.name(), extra.type())
                    + (sql.mysql() ? " (or give it a DEFAULT)" : " (or SET DEFAULT <value>)")));
        }
    }

    private void compareKeys(SourceTable source, TableInfo table, List<Finding> out) {
        List<String> sourceKey = source.key();
        List<String> targetKey = table.primaryKey().stream().map(ColumnInfo::name).toList();
        if (sourceKey.isEmpty()) {
            out.add(new Finding(Severity.ERROR, source.name(), "source table has no primary key: its rows cannot "
                    + "be matched on the target", "ALTER TABLE " + source.name() + " ADD PRIMARY KEY (...)"));
            return;
        }
        if (!new HashSet<>(sourceKey).equals(new HashSet<>(targetKey))) {
            String fix = "make the target's primary key (" + String.join(", ", sourceKey) + ")";
            if (targetKey.isEmpty()) {
                fix = sql.addPrimaryKey(table.name(), sql.columns(sourceKey));
            }
            out.add(new Finding(Severity.ERROR, table.name().toString(), "primary key differs: source ("
                    + String.join(", ", sourceKey) + "), target (" + String.join(", ", targetKey) + ")", fix));
        }
    }

    /**
     * One finding per foreign key, saying what the mode does about it: a key on a cycle of tables that is not
     * deferrable is an ERROR (no order of writes satisfies it); in webhook immediate mode a key is a WARN (rows of
     * different tables arrive in any order and wait to be sent again); otherwise the order of writes keeps it.
     */
    private void foreignKeys(TableName table, TableConstraints constraints, List<Finding> out) {
        for (TableConstraints.ForeignKey fk : constraints.foreignKeys()) {
            String object = table + " constraint " + fk.name();
            String drop = sql.dropForeignKey(table, fk.name());
            String deferrable = sql.mysql() ? drop + " (MySQL cannot defer a foreign key)"
                    : sql.deferrable(table, fk.name());
            Optional<ForeignKeyGraph.ForeignKey> key = foreignKeys.from(table).stream()
                    .filter(k -> k.name().equals(fk.name())).findFirst();
            boolean canDefer = key.map(ForeignKeyGraph.ForeignKey::deferrable).orElse(fk.deferred());
            Optional<List<TableName>> cycle = key.flatMap(k -> foreignKeys.cycleOf(table)
                    .filter(c -> c.contains(k.parent())));
            boolean self = key.map(ForeignKeyGraph.ForeignKey::selfReference).orElse(false);
            String to = "foreign key to " + fk.references();
            if (cycle.isPresent()) {
                String tables = cycle.get().stream().map(TableName::table).collect(Collectors.joining(", "));
                if (canDefer) {
                    out.add(new Finding(Severity.OK, object, to + " is on a cycle of tables (" + tables + ") and"
                            + " deferrable: cdc-sink defers it to commit", ""));
                } else {
                    out.add(new Finding(Severity.ERROR, object, to + " closes a cycle of tables (" + tables + ")"
                            + " and is checked per statement: no order of writes satisfies it", deferrable));
                }
                continue;
            }
            if (ordering == Ordering.ARRIVAL) {
                out.add(new Finding(Severity.WARN, object, to + ": in immediate mode a changefeed sends tables in"
                        + " any order; a request whose row's parent is not there yet is refused with 503 and sent"
                        + " again, so this table may trail " + fk.references(),
                        "run without --immediate (consistent mode orders the rows of a window), or " + drop));
                continue;
            }
            String how = ordering == Ordering.ONE_PATH
                    ? "rows of tables linked by foreign keys share one fan shard, in source order, each batch"
                    + " written in foreign-key order"
                    : "rows of one transaction are written in foreign-key order (parents' upserts first,"
                    + " children's deletes first)";
            if (self) {
                how = "rows of the table are written parents first"
                        + (canDefer ? "" : " (rows that reference each other in a cycle need it DEFERRABLE)");
            }
            out.add(new Finding(Severity.OK, object, to + ": " + how + (canDefer ? "; deferrable, checked at commit"
                    : ""), ""));
        }
    }

    private void uniqueKeys(TableName table, SourceTable source, TableConstraints target, List<Finding> out) {
        List<Set<String>> sourceKeys = new ArrayList<>();
        if (!source.key().isEmpty()) {
            sourceKeys.add(Set.copyOf(source.key()));
        }
        source.constraints().uniqueKeys().forEach(u -> sourceKeys.add(Set.copyOf(u.columns())));
        for (TableConstraints.UniqueKey unique : target.uniqueKeys()) {
            Set<String> columns = Set.copyOf(unique.columns());
            // A target key that contains a whole source key cannot be violated by rows the source accepted.
            boolean implied = !columns.isEmpty() && sourceKeys.stream().anyMatch(columns::containsAll);
            if (!implied) {
                String fix = sql.dropUnique(table, unique.name(), unique.index());
                out.add(new Finding(Severity.WARN, table + " constraint " + unique.name(), "unique "
                        + (unique.index() ? "index" : "constraint") + " on (" + String.join(", ", unique.columns())
                        + ") is not on the source: rows the source accepts may fail to apply", fix));
            }
        }
    }

    private void checks(TableName table, TableConstraints source, TableConstraints target, List<Finding> out) {
        Set<String> sourceChecks = source.checks().stream().map(TableConstraints.Check::name)
                .collect(Collectors.toSet());
        for (TableConstraints.Check check : target.checks()) {
            if (!sourceChecks.contains(check.name())) {
                out.add(new Finding(Severity.WARN, table + " constraint " + check.name(), "check constraint "
                        + check.definition() + " is not on the source (compared by name): rows the source accepts "
                        + "may fail to apply", sql.dropCheck(table, check.name())));
            }
        }
    }

    private String createTable(SourceTable source) {
        TableName t = source.target();
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(sql.qualify(t)).append(" (");
        List<String> parts = new ArrayList<>();
        for (SourceColumn c : source.columns()) {
            parts.add(sql.quote(c.name()) + " " + sql.type(c.targetType()) + (c.nullable() ? "" : " NOT NULL"));
        }
        if (!source.key().isEmpty()) {
            parts.add("PRIMARY KEY (" + sql.columns(source.key()) + ")");
        }
        return ddl.append(String.join(", ", parts)).append(")").toString();
    }
}
