package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.Severity;
import io.cdcsink.api.preflight.Finding;
import io.cdcsink.api.preflight.PreflightReport;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.TargetConfig;
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
                        + " foreign key to parent: in immediate and backfill mode"));
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
}
