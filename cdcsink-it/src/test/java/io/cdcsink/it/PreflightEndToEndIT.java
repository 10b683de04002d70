package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.it.JarCommand.Run;
import io.cdcsink.testing.EmbeddedPg;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cdc-sink preflight pglogical} through the real jar: a missing target table is an error named with its fix
 * (exit 1); once the target matches, the same command line exits 0. On each {@link TestTarget}: on MariaDB the source
 * table is in a schema named as the target database, which pglogical's schema part names there.
 */
class PreflightEndToEndIT {
    private static EmbeddedPg source;

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    private static Run cdcSink(List<String> args) throws Exception {
        return JarCommand.run(Duration.ofMinutes(2), args);
    }


    @ParameterizedTest
    @EnumSource(TestTarget.class)
    void aMissingTargetTableFailsWithItsNameAndAMatchingTargetPasses(TestTarget target) throws Exception {
        String sourceDb = source.freshDatabase("pfsrc");
        String targetDb = target.freshDatabase("pfdst");
        String schema = target.schema(targetDb);
        source.exec(sourceDb, "CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"",
                "CREATE TABLE \"" + schema + "\".orders (id BIGINT PRIMARY KEY, note VARCHAR(40), total NUMERIC(12,2))",
                "CREATE PUBLICATION pf_pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('pf_" + sourceDb + "', 'pgoutput')");
        List<String> flags = List.of("preflight", "pglogical",
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb + "?sslmode=disable",
                "--targetConn", target.conn(targetDb), "--targetDB", targetDb, "--publicationName", "pf_pub", "--slotName", "pf_" + sourceDb);

        Run missing = cdcSink(flags);
        assertThat(missing.exit()).as(missing.output()).isEqualTo(1);
        assertThat(missing.output()).contains("ERROR").contains(targetDb + "." + schema + ".orders")
                .contains("CREATE TABLE").contains("preflight: ");

        target.exec(targetDb, "CREATE TABLE orders (id BIGINT PRIMARY KEY, note TEXT, total NUMERIC(12,2))");
        Run ok = cdcSink(flags);
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).doesNotContain("ERROR").contains("0 error(s)");
    }
}
