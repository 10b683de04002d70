package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.Severity;
import io.cdcsink.api.preflight.Finding;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.TableConstraints;
import io.cdcsink.api.preflight.SourceColumn;
import io.cdcsink.api.preflight.SourceTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.ForeignKeyGraph;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.api.TableName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaComparisonTest {
    private static final TableName T = new TableName("app", "public", "orders");
    private static final SourceTable SOURCE = new SourceTable("src.public.orders", T, List.of(
            new SourceColumn("id", "bigint", "bigint", false, 1),
            new SourceColumn("note", "character varying(20)", "character varying(20)", true, 0),
            new SourceColumn("qty", "integer", "integer", true, 0)), TableConstraints.NONE);

    private static ColumnInfo col(String name, String type, int pk, boolean nullable) {
        return new ColumnInfo(name, type, pk, false, false, nullable);
    }

    private static final TableInfo MATCHING = new TableInfo(T, List.of(col("id", "bigint", 1, false),
            col("note", "text", 0, true), col("qty", "bigint", 0, true)));

    private static List<String> lines(List<Finding> findings) {
        return findings.stream().map(Finding::line).toList();
    }

    @Test
    void matchingTableIsOneOkLine() {
        List<Finding> findings = new SchemaComparison(false).compare(SOURCE, Optional.of(MATCHING),
                TableConstraints.NONE);
        assertThat(lines(findings)).containsExactly(
                "OK    app.public.orders: matches source table src.public.orders (3 columns)");
    }

    @Test
    void missingTableIsAnErrorWithCreateTable() {
        List<Finding> findings = new SchemaComparison(false).compare(SOURCE, Optional.empty(), TableConstraints.NONE);
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.object()).isEqualTo("app.public.orders");
            assertThat(f.fix()).isEqualTo("in database app: CREATE TABLE \"public\".\"orders\" (\"id\" bigint NOT NULL,"
                    + " \"note\" character varying(20), \"qty\" integer, PRIMARY KEY (\"id\"))");
        });
    }

    /** With {@code --schemaEvolution additive} the loop creates what is missing: a WARN naming the DDL it runs. */
    @Test
    void underAdditiveEvolutionMissingTablesAndColumnsAreWarningsNamingTheDdl() {
        SchemaComparison additive = new SchemaComparison(SchemaComparison.Ordering.TRANSACTIONS,
                ForeignKeyGraph.EMPTY, SchemaEvolution.ADDITIVE);
        assertThat(lines(additive.compare(SOURCE, Optional.empty(), TableConstraints.NONE))).containsExactly(
                "WARN  app.public.orders: table missing on the target (source table " + SOURCE.name() + ");"
                        + " --schemaEvolution additive creates it before its first row; fix: in database app:"
                        + " CREATE TABLE \"public\".\"orders\" (\"id\" bigint NOT NULL, \"note\" character varying(20),"
                        + " \"qty\" integer, PRIMARY KEY (\"id\"))");
        TableInfo narrower = new TableInfo(T, List.of(col("id", "bigint", 1, false),
                col("note", "character varying(20)", 0, true)));
        assertThat(lines(additive.compare(SOURCE, Optional.of(narrower), TableConstraints.NONE))).containsExactly(
                "WARN  app.public.orders.qty: column missing on the target (source type integer); --schemaEvolution"
                        + " additive creates it before its first row; fix: ALTER TABLE \"public\".\"orders\" ADD"
                        + " COLUMN \"qty\" integer");
    }

    @Test
    void missingColumnExtraNotNullColumnAndTypeMismatch() {
        TableInfo target = new TableInfo(T, List.of(col("id", "bigint", 1, false), col("note", "integer", 0, true),
                col("added", "text", 0, false),
                new ColumnInfo("with_default", "text", 0, false, true, false),
                new ColumnInfo("computed", "text", 0, true, false, false)));
        List<String> lines = lines(new SchemaComparison(false).compare(SOURCE, Optional.of(target),
                TableConstraints.NONE));
        assertThat(lines).containsExactly(
                "WARN  app.public.orders.note: source type character varying(20) (text) and target type integer"
                        + " (integer) differ in kind",
                "ERROR app.public.orders.qty: column missing on the target (source type integer); fix: ALTER TABLE"
                        + " \"public\".\"orders\" ADD COLUMN \"qty\" integer",
                "ERROR app.public.orders.added: extra target column is NOT NULL without a default: inserts will fail;"
                        + " fix: ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"added\" DROP NOT NULL"
                        + " (or SET DEFAULT <value>)");
    }

    @Test
    void stricterNullabilityWarns() {
        TableInfo target = new TableInfo(T, List.of(col("id", "bigint", 1, false), col("note", "text", 0, false),
                col("qty", "integer", 0, true)));
        assertThat(lines(new SchemaComparison(false).compare(SOURCE, Optional.of(target), TableConstraints.NONE)))
                .containsExactly("WARN  app.public.orders.note: NOT NULL on the target but nullable on the source:"
                        + " a NULL will fail to apply; fix: ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"note\""
                        + " DROP NOT NULL");
    }

    @Test
    void differentPrimaryKeyIsAnError() {
        TableInfo target = new TableInfo(T, List.of(col("id", "bigint", 1, false), col("note", "text", 2, false),
                col("qty", "integer", 0, true)));
        assertThat(new SchemaComparison(false).compare(SOURCE, Optional.of(target), TableConstraints.NONE))
                .filteredOn(f -> f.severity() == Severity.ERROR).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("primary key differs: source (id), target (id, note)"));
        TableInfo noKey = new TableInfo(T, List.of(col("id", "bigint", 0, false), col("note", "text", 0, true),
                col("qty", "integer", 0, true)));
        assertThat(new SchemaComparison(false).compare(SOURCE, Optional.of(noKey), TableConstraints.NONE))
                .singleElement().satisfies(f -> assertThat(f.fix())
                        .isEqualTo("ALTER TABLE \"public\".\"orders\" ADD PRIMARY KEY (\"id\")"));
    }

    @Test
    void keyOrderDoesNotMatter() {
        SourceTable source = new SourceTable("s.t", T, List.of(new SourceColumn("a", "int", "integer", false, 2),
                new SourceColumn("b", "int", "integer", false, 1)), TableConstraints.NONE);
        TableInfo target = new TableInfo(T, List.of(col("a", "integer", 1, false), col("b", "integer", 2, false)));
        assertThat(new SchemaComparison(false).compare(source, Optional.of(target), TableConstraints.NONE))
                .allMatch(f -> f.severity() == Severity.OK);
    }

    @Test
    void sourceWithoutKeyIsAnError() {
        SourceTable source = new SourceTable("shop.log", T, List.of(new SourceColumn("a", "int", "integer", true, 0)),
                TableConstraints.NONE);
        TableInfo target = new TableInfo(T, List.of(col("a", "integer", 0, true)));
        assertThat(new SchemaComparison(false).compare(source, Optional.of(target), TableConstraints.NONE))
                .singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.ERROR);
                    assertThat(f.object()).isEqualTo("shop.log");
                });
    }

    private static final TableName CUSTOMERS = new TableName("app", "public", "customers");
    private static final TableName ITEMS = new TableName("app", "public", "items");

    /** orders → customers (not deferrable), orders → items (deferrable), customers → orders (closes a cycle). */
    private static final ForeignKeyGraph KEYS = new ForeignKeyGraph(List.of(
            new ForeignKeyGraph.ForeignKey("orders_customer_fk", T, List.of("customer"), CUSTOMERS, List.of("id"),
                    false),
            new ForeignKeyGraph.ForeignKey("orders_item_fk", T, List.of("item"), ITEMS, List.of("id"), true),
            new ForeignKeyGraph.ForeignKey("orders_parent_fk", T, List.of("parent"), T, List.of("id"), false)));

    private static final TableConstraints ORDER_KEYS = new TableConstraints(List.of(
            new TableConstraints.ForeignKey("orders_customer_fk", "customers", false),
            new TableConstraints.ForeignKey("orders_item_fk", "items", true),
            new TableConstraints.ForeignKey("orders_parent_fk", "orders", false)), List.of(), List.of());

    @Test
    void foreignKeysAreKeptByTheOrderOfWritesInConsistentAndFanModes() {
        List<Finding> consistent = new SchemaComparison(SchemaComparison.Ordering.TRANSACTIONS, KEYS)
                .compare(SOURCE, Optional.of(MATCHING), ORDER_KEYS);
        assertThat(lines(consistent)).containsExactly(
                "OK    app.public.orders constraint orders_customer_fk: foreign key to customers: rows of one"
                        + " transaction are written in foreign-key order (parents' upserts first, children's deletes"
                        + " first)",
                "OK    app.public.orders constraint orders_item_fk: foreign key to items: rows of one transaction are"
                        + " written in foreign-key order (parents' upserts first, children's deletes first);"
                        + " deferrable, checked at commit",
                "OK    app.public.orders constraint orders_parent_fk: foreign key to orders: rows of the table are"
                        + " written parents first (rows that reference each other in a cycle need it DEFERRABLE)",
                "OK    app.public.orders: matches source table src.public.orders (3 columns)");
        List<Finding> fan = new SchemaComparison(SchemaComparison.Ordering.ONE_PATH, KEYS)
                .compare(SOURCE, Optional.of(MATCHING), ORDER_KEYS);
        assertThat(fan).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.OK));
        assertThat(lines(fan).get(0)).contains("share one fan shard, in source order");
    }

    @Test
    void webhookImmediateModeWarnsThatATableMayTrailItsParents() {
        List<Finding> immediate = new SchemaComparison(SchemaComparison.Ordering.ARRIVAL, KEYS)
                .checkTarget(MATCHING, ORDER_KEYS);
        assertThat(immediate).hasSize(3).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARN);
            assertThat(f.message()).contains("refused with 503 and sent again");
            assertThat(f.fix()).startsWith("run without --immediate");
        });
    }

    @Test
    void aCycleOfTablesIsAnErrorUnlessDeferrable() {
        ForeignKeyGraph cycle = new ForeignKeyGraph(List.of(KEYS.keys().get(0), KEYS.keys().get(1),
                new ForeignKeyGraph.ForeignKey("customers_last_order_fk", CUSTOMERS, List.of("last_order"), T,
                        List.of("id"), true),
                new ForeignKeyGraph.ForeignKey("items_order_fk", ITEMS, List.of("first_order"), T, List.of("id"),
                        true)));
        for (SchemaComparison.Ordering ordering : SchemaComparison.Ordering.values()) {
            List<Finding> findings = new SchemaComparison(ordering, cycle).checkTarget(MATCHING, ORDER_KEYS);
            assertThat(lines(findings)).as(ordering.name()).contains(
                    "ERROR app.public.orders constraint orders_customer_fk: foreign key to customers closes a cycle of"
                            + " tables (customers, items, orders) and is checked per statement: no order of writes"
                            + " satisfies it; fix: ALTER TABLE \"public\".\"orders\" ALTER CONSTRAINT"
                            + " \"orders_customer_fk\" DEFERRABLE INITIALLY DEFERRED",
                    "OK    app.public.orders constraint orders_item_fk: foreign key to items is on a cycle of tables"
                            + " (customers, items, orders) and deferrable: cdc-sink defers it to commit");
        }
    }

    @Test
    void uniqueAndCheckConstraintsNotOnTheSourceWarn() {
        SourceTable source = new SourceTable("src.public.orders", T, SOURCE.columns(), new TableConstraints(List.of(),
                List.of(new TableConstraints.UniqueKey("note_uq", List.of("note"), false)),
                List.of(new TableConstraints.Check("qty_positive", "CHECK (qty > 0)"))));
        TableConstraints target = new TableConstraints(List.of(), List.of(
                new TableConstraints.UniqueKey("note_qty_uq", List.of("note", "qty"), false),
                new TableConstraints.UniqueKey("id_note_idx", List.of("id", "note"), true),
                new TableConstraints.UniqueKey("qty_idx", List.of("qty"), true)), List.of(
                new TableConstraints.Check("qty_positive", "CHECK ((qty > 0))"),
                new TableConstraints.Check("note_short", "CHECK ((length(note) < 5))")));
        assertThat(lines(new SchemaComparison(false).compare(source, Optional.of(MATCHING), target))).containsExactly(
                "WARN  app.public.orders constraint qty_idx: unique index on (qty) is not on the source: rows the"
                        + " source accepts may fail to apply; fix: DROP INDEX \"public\".\"qty_idx\"",
                "WARN  app.public.orders constraint note_short: check constraint CHECK ((length(note) < 5)) is not"
                        + " on the source (compared by name): rows the source accepts may fail to apply; fix:"
                        + " ALTER TABLE \"public\".\"orders\" DROP CONSTRAINT \"note_short\"");
    }

    @Test
    void targetOnlyCheckNeedsAKeyAndReportsForeignKeys() {
        TableInfo noKey = new TableInfo(T, List.of(col("a", "integer", 0, true)));
        assertThat(new SchemaComparison(true).checkTarget(noKey, TableConstraints.NONE)).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.ERROR);
                    assertThat(f.message()).contains("no primary key");
                });
        assertThat(lines(new SchemaComparison(false).checkTarget(MATCHING, TableConstraints.NONE)))
                .containsExactly("OK    app.public.orders: primary key (id), no foreign keys");
        TableConstraints fk = new TableConstraints(List.of(new TableConstraints.ForeignKey("fk", "c", false)),
                List.of(), List.of());
        assertThat(new SchemaComparison(true).checkTarget(MATCHING, fk)).singleElement()
                .satisfies(f -> assertThat(f.object()).isEqualTo("app.public.orders constraint fk"));
    }

    @Test
    void reportExitCodeAndSummary() {
        PreflightReport report = new PreflightReport();
        report.ok("target", "connected");
        report.warn("x", "maybe");
        assertThat(report.exitCode()).isZero();
        report.error("y", "broken", "fix it");
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.lines()).containsExactly("OK    target: connected", "WARN  x: maybe",
                "ERROR y: broken; fix: fix it", "preflight: 1 error(s), 1 warning(s), 1 ok");
    }

    /** On a MySQL target the suggested DDL is MySQL's: backticks, MySQL types, MODIFY, DROP FOREIGN KEY/INDEX. */
    @Test
    void onAMySqlTargetTheFixesAreMySqlStatements() {
        TableName t = new TableName("app", "app", "orders");
        SourceTable source = new SourceTable("src.public.orders", t, List.of(
                new SourceColumn("id", "bigint", "bigint", false, 1),
                new SourceColumn("note", "character varying(20)", "character varying(20)", true, 0),
                new SourceColumn("at", "timestamp with time zone", "timestamp(6) with time zone", true, 0),
                new SourceColumn("doc", "jsonb", "jsonb", true, 0),
                new SourceColumn("tags", "text[]", "text[]", true, 0)), TableConstraints.NONE);
        SchemaComparison mysql = new SchemaComparison(SchemaComparison.Ordering.TRANSACTIONS, ForeignKeyGraph.EMPTY,
                SchemaEvolution.NONE, TargetDialect.of(TargetDialect.Product.MYSQL));
        assertThat(mysql.compare(source, Optional.empty(), TableConstraints.NONE)).singleElement()
                .extracting(Finding::fix).isEqualTo("in database app: CREATE TABLE `app`.`orders` (`id` bigint NOT NULL,"
                        + " `note` varchar(20), `at` datetime(6), `doc` json, `tags` json, PRIMARY KEY (`id`))");
        TableInfo target = new TableInfo(t, List.of(col("id", "bigint", 1, false), col("note", "varchar(20)", 0,
                false), col("at", "datetime(6)", 0, true), col("doc", "json", 0, true), col("tags", "json", 0, true)));
        TableConstraints constraints = new TableConstraints(
                List.of(new TableConstraints.ForeignKey("orders_fk", "app.customers", false)),
                List.of(new TableConstraints.UniqueKey("by_note", List.of("note"), true)), List.of());
        assertThat(lines(mysql.compare(source, Optional.of(target), constraints))).contains(
                "WARN  app.app.orders.note: NOT NULL on the target but nullable on the source: a NULL will fail to"
                        + " apply; fix: ALTER TABLE `app`.`orders` MODIFY `note` varchar(20) NULL",
                "WARN  app.app.orders constraint by_note: unique index on (note) is not on the source: rows the"
                        + " source accepts may fail to apply; fix: ALTER TABLE `app`.`orders` DROP INDEX `by_note`");
        SchemaComparison immediate = new SchemaComparison(SchemaComparison.Ordering.ARRIVAL, ForeignKeyGraph.EMPTY,
                SchemaEvolution.NONE, TargetDialect.of(TargetDialect.Product.MYSQL));
        assertThat(immediate.checkTarget(target, constraints)).singleElement().extracting(Finding::fix).asString()
                .endsWith("ALTER TABLE `app`.`orders` DROP FOREIGN KEY `orders_fk`");
    }
}
