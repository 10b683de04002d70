package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
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
        Dbs dbs = prepare();
        CrashStorms.storm("pglogical", 505,
                () -> CdcSinkProcess.logicalStarting("pglogical", "storm-pglogical", flags(dbs)),
                pgSource.dataSource(dbs.source())::getConnection, target.dataSource(dbs.target())::getConnection);
    }

    @Test
    void pglogicalImmediateModeEndsEqualToTheSource() throws Exception {
        Dbs dbs = prepare();
        List<String> flags = new ArrayList<>(flags(dbs));
        flags.add("--immediate");
        // Each fan shard holds a connection while it has rows: fewer shards than the 8 connections.
        flags.addAll(List.of("--fanShards", "4"));
        CrashStorms.immediate("pglogical", 515, () -> CdcSinkProcess.logical("pglogical", "bank-pglogical", flags),
                pgSource.dataSource(dbs.source())::getConnection, target.dataSource(dbs.target())::getConnection,
                1_000);
    }

    private record Dbs(String source, String target) {
    }

    /** Bank tables on both sides, a publication and a slot on the source, the accounts opened. */
    private Dbs prepare() throws Exception {
        String sourceDb = pgSource.freshDatabase("stormsrc");
        String targetDb = target.freshDatabase("stormdst");
        CrashStorms.ddl(pgSource.dataSource(sourceDb)::getConnection);
        CrashStorms.ddl(target.dataSource(targetDb)::getConnection);
        try (Connection c = pgSource.dataSource(sourceDb).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('storm_" + sourceDb + "', 'pgoutput')");
            Bank.open(c);
        }
        return new Dbs(sourceDb, targetDb);
    }

    private List<String> flags(Dbs dbs) {
        return List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + pgSource.port() + "/" + dbs.source()
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", dbs.target(), "--publicationName", "bank_pub", "--slotName", "storm_" + dbs.source(),
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
    }
}
