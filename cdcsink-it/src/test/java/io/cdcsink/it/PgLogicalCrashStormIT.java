package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CrashStorms} for pglogical: a PostgreSQL source with a publication and slot, a PostgreSQL target. */
class PgLogicalCrashStormIT {
    private static EmbeddedPg pgSource;
    private final EmbeddedPg target = EmbeddedPg.shared();

    @BeforeAll
    static void startSource() {
        pgSource = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        pgSource.close();
    }

    @Test
    void pglogicalSurvivesAKillStormWithoutLossOrHalfTransactions() throws Exception {
        String sourceDb = pgSource.freshDatabase("stormsrc");
        String targetDb = target.freshDatabase("stormdst");
        CrashStorms.ddl(pgSource.dataSource(sourceDb)::getConnection);
        CrashStorms.ddl(target.dataSource(targetDb)::getConnection);
        try (Connection c = pgSource.dataSource(sourceDb).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('storm_" + sourceDb + "', 'pgoutput')");
            Bank.open(c);
        }
        List<String> flags = List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + pgSource.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "bank_pub", "--slotName", "storm_" + sourceDb,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
        CrashStorms.storm("pglogical", 505, () -> CdcSinkProcess.logicalStarting("pglogical", "storm-pglogical", flags),
                pgSource.dataSource(sourceDb)::getConnection, target.dataSource(targetDb)::getConnection);
    }
}
