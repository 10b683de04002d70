package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.Severity;
import io.cdcsink.api.preflight.Finding;
import io.cdcsink.api.preflight.PreflightReport;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.TableName;
import io.cdcsink.api.preflight.SourceColumn;
import io.cdcsink.api.preflight.SourceTable;
import io.cdcsink.api.preflight.TableConstraints;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.MariaDbTargetPools;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start (webhook) mode: no source, so target tables need keys and their foreign keys are reported. */
class TargetPreflightIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();

    @Test
    void startModeChecksKeysForeignKeysAndStaging() throws Exception {
        String db = PG.freshDatabase("pfstart");
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(db)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE parent (id INT PRIMARY KEY)");
            s.execute("CREATE TABLE child (id INT PRIMARY KEY, parent INT REFERENCES parent)");
            s.execute("CREATE TABLE nokey (v TEXT)");
        }
        TargetConfig config = TargetConfig.of("postgresql://postgres@localhost:" + PG.port() + "/" + db
                + "?sslmode=disable").withImmediate(true);
        PreflightReport report = new PreflightReport();
        new TargetPreflight(config, report).checkStart();
        report.print(System.out);
        List<String> lines = report.findings().stream().map(Finding::line).toList();
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(lines).contains(
                "OK    " + db + "._cdc_sink: staging schema does not exist yet; cdc-sink will create it",
                "OK    " + db + ".public.parent: primary key (id), no foreign keys",
                "ERROR " + db + ".public.nokey: no primary key: cdc-sink upserts and deletes by key; fix: ALTER TABLE"
                        + " \"public\".\"nokey\" ADD PRIMARY KEY (<the changefeed's key columns>)")
                .anySatisfy(l -> assertThat(l).startsWith("WARN  " + db + ".public.child constraint child_parent_fkey:"
                        + " foreign key to parent: in immediate mode a changefeed sends tables in any order"));
    }

    @Test
    void consistentModeOrdersChainsAndSelfReferencesButACycleOfTablesIsAnError() throws Exception {
        String db = PG.freshDatabase("pfcycle");
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(db)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE grand (id INT PRIMARY KEY)");
            s.execute("CREATE TABLE parent (id INT PRIMARY KEY, grand INT NOT NULL REFERENCES grand)");
            s.execute("CREATE TABLE child (id INT PRIMARY KEY, parent INT NOT NULL REFERENCES parent)");
            s.execute("CREATE TABLE node (id INT PRIMARY KEY, up INT REFERENCES node)");
            s.execute("CREATE TABLE a (id INT PRIMARY KEY, b INT)");
            s.execute("CREATE TABLE b (id INT PRIMARY KEY, a INT REFERENCES a)");
            s.execute("ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b) REFERENCES b");
        }
        TargetConfig config = TargetConfig.of("postgresql://postgres@localhost:" + PG.port() + "/" + db
                + "?sslmode=disable");
        PreflightReport report = new PreflightReport();
        new TargetPreflight(config, report).checkStart();
        report.print(System.out);
        List<String> lines = report.findings().stream().map(Finding::line).toList();
        assertThat(report.exitCode()).isEqualTo(1);
        String ordered = ": rows of one transaction are written in foreign-key order (parents' upserts first,"
                + " children's deletes first)";
        assertThat(lines).contains(
                "OK    " + db + ".public.parent constraint parent_grand_fkey: foreign key to grand" + ordered,
                "OK    " + db + ".public.child constraint child_parent_fkey: foreign key to parent" + ordered,
                "OK    " + db + ".public.node constraint node_up_fkey: foreign key to node: rows of the table are"
                        + " written parents first (rows that reference each other in a cycle need it DEFERRABLE)",
                "ERROR " + db + ".public.a constraint a_b_fkey: foreign key to b closes a cycle of tables (a, b) and"
                        + " is checked per statement: no order of writes satisfies it; fix: ALTER TABLE"
                        + " \"public\".\"a\" ALTER CONSTRAINT \"a_b_fkey\" DEFERRABLE INITIALLY DEFERRED",
                "ERROR " + db + ".public.b constraint b_a_fkey: foreign key to a closes a cycle of tables (a, b) and"
                        + " is checked per statement: no order of writes satisfies it; fix: ALTER TABLE"
                        + " \"public\".\"b\" ALTER CONSTRAINT \"b_a_fkey\" DEFERRABLE INITIALLY DEFERRED");

        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(db)); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE a ALTER CONSTRAINT a_b_fkey DEFERRABLE INITIALLY DEFERRED");
            s.execute("ALTER TABLE b ALTER CONSTRAINT b_a_fkey DEFERRABLE");
        }
        PreflightReport deferrable = new PreflightReport();
        new TargetPreflight(config, deferrable).checkStart();
        assertThat(deferrable.exitCode()).isZero();
        assertThat(deferrable.findings().stream().map(Finding::line).toList()).contains(
                "OK    " + db + ".public.b constraint b_a_fkey: foreign key to a is on a cycle of tables (a, b) and"
                        + " deferrable: cdc-sink defers it to commit");
    }

    @Test
    void unreachableTargetIsAnError() {
        PreflightReport report = new PreflightReport();
        TargetConfig config = TargetConfig.of("postgresql://postgres@127.0.0.1:1/x?sslmode=disable");
        new TargetPreflight(config, report).checkStart();
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.message()).startsWith("cannot connect");
        });
    }

    /**
     * MariaDB: the dialect comes from the connection; the staging database, keys, foreign keys (a cycle cannot be
     * deferred there), unique keys and checks are read from information_schema (a JSON column's own check is not a
     * constraint), the fixes are MySQL's; a logical source's target schema that no database has is named.
     */
    @Test
    void onMariaDbTheCatalogComesFromInformationSchemaAndTheFixesAreMySqls() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String db = maria.newDatabase("pfmy");
        maria.execute(db, "CREATE TABLE parent (id INT PRIMARY KEY, doc JSON)",
                "CREATE TABLE child (id INT PRIMARY KEY, parent INT, CONSTRAINT child_parent FOREIGN KEY (parent)"
                        + " REFERENCES parent (id))",
                "CREATE TABLE a (id INT PRIMARY KEY, b INT)",
                "CREATE TABLE b (id INT PRIMARY KEY, a INT, CONSTRAINT b_a FOREIGN KEY (a) REFERENCES a (id))",
                "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b) REFERENCES b (id)",
                "CREATE TABLE nokey (v TEXT)");
        TargetConfig config = TargetConfig.of(new MariaDbTargetPools(maria).targetConn(db));
        PreflightReport report = new PreflightReport();
        new TargetPreflight(config, report).checkStart();
        report.print(System.out);
        List<String> lines = report.findings().stream().map(Finding::line).toList();
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(lines).contains(
                "OK    staging database _cdc_sink: does not exist yet; cdc-sink will create it",
                "OK    " + db + "." + db + ".parent: primary key (id), no foreign keys",
                "ERROR " + db + "." + db + ".nokey: no primary key: cdc-sink upserts and deletes by key; fix: ALTER"
                        + " TABLE `" + db + "`.`nokey` ADD PRIMARY KEY (<the changefeed's key columns>)",
                "ERROR " + db + "." + db + ".a constraint a_b: foreign key to " + db + ".b closes a cycle of tables"
                        + " (a, b) and is checked per statement: no order of writes satisfies it; fix: ALTER TABLE `"
                        + db + "`.`a` DROP FOREIGN KEY `a_b` (MySQL cannot defer a foreign key)")
                .anySatisfy(l -> assertThat(l).startsWith("OK    " + db + "." + db + ".child constraint child_parent:"
                        + " foreign key to " + db + ".parent: rows of one transaction"));

        TableName missing = new TableName(db, "nosuchdb", "orders");
        SourceTable source = new SourceTable("src.public.orders", missing, List.of(
                new SourceColumn("id", "bigint", "bigint", false, 1)), TableConstraints.NONE);
        PreflightReport logical = new PreflightReport();
        new TargetPreflight(config, logical).checkLogical(db, List.of(source), false);
        assertThat(logical.findings().stream().map(Finding::line).toList()).contains(
                "ERROR " + db + ".nosuchdb: the target server has no database `nosuchdb`: on MySQL the schema part"
                        + " (--targetSchema) names the database that holds the tables; fix: CREATE DATABASE"
                        + " `nosuchdb`");
    }

}
