package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.TargetConfig;
import io.cdcsink.api.preflight.Finding;
import io.cdcsink.api.preflight.PreflightReport;
import io.cdcsink.api.preflight.SourceTable;
import io.cdcsink.core.preflight.TargetPreflight;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A MariaDB source compared with a PostgreSQL target, and the binlog settings reported all at once. */
class MyLogicalPreflightIT {
    private static final EmbeddedMariaDb MARIADB = EmbeddedMariaDb.shared();
    private static final EmbeddedPg PG = EmbeddedPg.shared();

    private static PreflightReport run(String sourceDb, String targetDb) {
        MyLogicalConfig config = new MyLogicalConfig(MySqlConn.parse(MARIADB.sourceConn()), Optional.empty(),
                targetDb, "public", Set.of(sourceDb), 10);
        PreflightReport report = new PreflightReport();
        List<SourceTable> tables = new MyLogicalPreflight(config).check(report);
        new TargetPreflight(TargetConfig.of(PG.connectionString()), report).checkLogical(targetDb, tables, false);
        report.print(System.out);
        return report;
    }

    private static List<String> lines(PreflightReport report) {
        return report.findings().stream().map(Finding::line).toList();
    }

    @Test
    void sourceTablesAreComparedWithTheTarget() throws Exception {
        String source = MARIADB.newDatabase("pf");
        MARIADB.execute(source, "CREATE TABLE items (id INT UNSIGNED PRIMARY KEY, name VARCHAR(20),"
                        + " added DATETIME(6), kind ENUM('a','b'))",
                "CREATE TABLE absent (id BIGINT PRIMARY KEY)");
        String target = PG.freshDatabase("pfmy");
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(target)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, added TIMESTAMP, kind TEXT)");
        }
        PreflightReport report = run(source, target);
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(lines(report)).contains(
                "OK    " + target + ".public.items: matches source table " + source + ".items (4 columns)",
                "ERROR " + target + ".public.absent: table missing on the target (source table " + source
                        + ".absent); fix: in database " + target + ": CREATE TABLE \"public\".\"absent\""
                        + " (\"id\" bigint NOT NULL, PRIMARY KEY (\"id\"))")
                .anySatisfy(l -> assertThat(l).startsWith("OK    source mysql://").contains("connected: mariadb"))
                .anySatisfy(l -> assertThat(l).contains("binlog settings are right for mylogical"));
    }

    @Test
    void everyWrongBinlogSettingIsAnError() throws Exception {
        MARIADB.execute("", "SET GLOBAL binlog_row_metadata = MINIMAL", "SET GLOBAL binlog_row_image = MINIMAL");
        try {
            PreflightReport report = run(MARIADB.newDatabase("pfset"), PG.freshDatabase("pfset"));
            assertThat(report.exitCode()).isEqualTo(1);
            assertThat(lines(report)).contains(
                    "ERROR source setting binlog_row_metadata: source setting binlog_row_metadata is MINIMAL but must"
                            + " be FULL; fix: start the server with --binlog-row-metadata=FULL",
                    "ERROR source setting binlog_row_image: source setting binlog_row_image is MINIMAL but must be"
                            + " FULL; fix: start the server with --binlog-row-image=FULL");
        } finally {
            MARIADB.execute("", "SET GLOBAL binlog_row_metadata = FULL", "SET GLOBAL binlog_row_image = FULL");
        }
    }
}
