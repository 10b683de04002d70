package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.TargetConfig;
import io.cdcsink.api.preflight.Finding;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourceTable;
import io.cdcsink.core.preflight.TargetPreflight;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Source and target databases on one server: the catalog readers and the comparison against real catalogs. */
class PgLogicalPreflightIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();

    private String source;
    private String target;
    private String slot;

    @BeforeEach
    void databases() {
        source = PG.freshDatabase("pfsrc");
        target = PG.freshDatabase("pftgt");
        slot = source;
    }

    @AfterEach
    void dropSlot() throws SQLException {
        sql(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'");
    }

    private static void sql(String database, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(database)); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private PreflightReport run(boolean immediate) {
        PgLogicalConfig config = PgLogicalConfig.of("postgresql://postgres@localhost:" + PG.port() + "/" + source
                + "?sslmode=disable", "pub", slot, target, Duration.ofSeconds(1));
        PreflightReport report = new PreflightReport();
        List<SourceTable> tables = new PgLogicalPreflight(config).check(report);
        TargetConfig targetConfig = TargetConfig.of(PG.connectionString()).withImmediate(immediate);
        new TargetPreflight(targetConfig, report).checkLogical(target, tables, immediate);
        report.print(System.out);
        return report;
    }

    private static List<String> lines(PreflightReport report) {
        return report.findings().stream().map(Finding::line).toList();
    }

    @Test
    void everyMissingSourceSettingIsReportedAtOnce() {
        PreflightReport report = run(false);
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(lines(report)).anySatisfy(l -> assertThat(l).startsWith("OK    source jdbc:postgresql://")
                        .contains("connected: PostgreSQL"))
                .anySatisfy(l -> assertThat(l).startsWith("ERROR source publication pub: publication pub"
                        + " (--publicationName) does not exist").contains("fix: run CREATE PUBLICATION pub"))
                .anySatisfy(l -> assertThat(l).startsWith("ERROR source replication slot " + slot)
                        .contains("pg_create_logical_replication_slot('" + slot + "', 'pgoutput')"))
                .anySatisfy(l -> assertThat(l).startsWith("OK    " + target + "._cdc_sink: staging schema does not"
                        + " exist yet"));
    }

    @Test
    void withAnInitialLoadAMissingSlotIsNoProblem() throws SQLException {
        sql(source, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR ALL TABLES");
        sql(target, "CREATE TABLE t (id int PRIMARY KEY)");
        PgLogicalConfig config = PgLogicalConfig.of("postgresql://postgres@localhost:" + PG.port() + "/" + source
                + "?sslmode=disable", "pub", slot, target, Duration.ofSeconds(1));
        PreflightReport report = new PreflightReport();
        new PgLogicalPreflight(config, true).check(report);
        assertThat(report.exitCode()).as(lines(report).toString()).isZero();
        assertThat(lines(report)).anySatisfy(l -> assertThat(l).contains("wal_level is logical; publication pub"
                + " exists; slot " + slot + " will be created by --snapshot initial"));
    }

    @Test
    void targetTablesAreComparedWithThePublishedTables() throws SQLException {
        sql(source, "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT REFERENCES customers, total NUMERIC(10,2),"
                        + " note TEXT, CONSTRAINT total_positive CHECK (total >= 0))",
                "CREATE TABLE missing (k TEXT PRIMARY KEY)",
                "CREATE PUBLICATION pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        sql(target, "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT REFERENCES customers, total INTEGER,"
                        + " region TEXT NOT NULL, CONSTRAINT total_positive CHECK (total >= 0),"
                        + " CONSTRAINT small CHECK (total < 100))",
                "CREATE UNIQUE INDEX orders_customer ON orders (customer)");
        PreflightReport report = run(false);
        assertThat(report.exitCode()).isEqualTo(1);
        String orders = target + ".public.orders";
        assertThat(lines(report)).contains(
                "OK    " + target + ".public.customers: matches source table " + source + ".public.customers"
                        + " (2 columns)",
                "ERROR " + target + ".public.missing: table missing on the target (source table " + source
                        + ".public.missing); fix: in database " + target + ": CREATE TABLE \"public\".\"missing\""
                        + " (\"k\" text NOT NULL, PRIMARY KEY (\"k\"))",
                "WARN  " + orders + ".total: source type numeric(10,2) (decimal) and target type integer (integer)"
                        + " differ in kind",
                "ERROR " + orders + ".note: column missing on the target (source type text); fix: ALTER TABLE"
                        + " \"public\".\"orders\" ADD COLUMN \"note\" text",
                "ERROR " + orders + ".region: extra target column is NOT NULL without a default: inserts will"
                        + " fail; fix: ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"region\" DROP NOT NULL"
                        + " (or SET DEFAULT <value>)",
                "OK    " + orders + " constraint orders_customer_fkey: foreign key to customers: rows of one"
                        + " transaction are written in foreign-key order (parents' upserts first, children's deletes"
                        + " first)",
                "WARN  " + orders + " constraint orders_customer: unique index on (customer) is not on the source:"
                        + " rows the source accepts may fail to apply; fix: DROP INDEX \"public\".\"orders_customer\"",
                "WARN  " + orders + " constraint small: check constraint CHECK ((total < 100)) is not on the source"
                        + " (compared by name): rows the source accepts may fail to apply; fix: ALTER TABLE"
                        + " \"public\".\"orders\" DROP CONSTRAINT \"small\"");
        assertThat(lines(report)).noneMatch(l -> l.contains("total_positive"));
        assertThat(lines(report)).anySatisfy(l -> assertThat(l).startsWith("OK    source jdbc:postgresql://")
                .contains("wal_level is logical; publication pub and slot " + slot));
    }

    @Test
    void matchingTargetPassesAndImmediateModeKeepsLinkedTablesOnOneShard() throws SQLException {
        String ddl = "CREATE TABLE parent (id INT PRIMARY KEY)";
        String child = "CREATE TABLE child (id INT PRIMARY KEY, parent INT REFERENCES parent)";
        sql(source, ddl, child, "CREATE PUBLICATION pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        sql(target, ddl, child, "CREATE SCHEMA _cdc_sink");
        assertThat(run(false).exitCode()).isZero();
        PreflightReport immediate = run(true);
        assertThat(immediate.exitCode()).isZero();
        assertThat(lines(immediate)).contains("OK    " + target + "._cdc_sink: staging schema exists and is writable;"
                + " position table logical_positions will be created")
                .contains("OK    " + target + ".public.child constraint child_parent_fkey: foreign key to parent:"
                        + " rows of tables linked by foreign keys share one fan shard, in source order, each batch"
                        + " written in foreign-key order");
    }

    @Test
    void missingTargetDatabaseIsAnError() throws SQLException {
        sql(source, "CREATE PUBLICATION pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        target = "no_such_database";
        PreflightReport report = run(false);
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(lines(report)).contains("ERROR no_such_database: target database does not exist; fix: CREATE"
                + " DATABASE \"no_such_database\"");
    }
}
