package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.it.JarCommand.Run;
import io.cdcsink.testing.EmbeddedPg;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc-sink preflight pglogical} through the real jar: a missing target table is an error named with its fix
 * (exit 1); once the target matches, the same command line exits 0.
 */
class PreflightEndToEndIT {
    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();

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


    @Test
    void aMissingTargetTableFailsWithItsNameAndAMatchingTargetPasses() throws Exception {
        String sourceDb = source.freshDatabase("pfsrc");
        String targetDb = target.freshDatabase("pfdst");
        source.exec(sourceDb, "CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(40), total NUMERIC(12,2))",
                "CREATE PUBLICATION pf_pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('pf_" + sourceDb + "', 'pgoutput')");
        List<String> flags = List.of("preflight", "pglogical",
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "pf_pub", "--slotName", "pf_" + sourceDb);

        Run missing = cdcSink(flags);
        assertThat(missing.exit()).as(missing.output()).isEqualTo(1);
        assertThat(missing.output()).contains("ERROR").contains(targetDb + ".public.orders").contains("CREATE TABLE")
                .contains("preflight: ");

        target.exec(targetDb, "CREATE TABLE orders (id BIGINT PRIMARY KEY, note TEXT, total NUMERIC(12,2))");
        Run ok = cdcSink(flags);
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).doesNotContain("ERROR").contains("0 error(s)");
    }
}
