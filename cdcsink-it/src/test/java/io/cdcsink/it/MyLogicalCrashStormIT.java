package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CrashStorms} for mylogical: a MariaDB source read from its GTID binlog, a PostgreSQL target. */
class MyLogicalCrashStormIT {
    private final EmbeddedPg target = EmbeddedPg.shared();

    @Test
    void mylogicalSurvivesAKillStormWithoutLossOrHalfTransactions() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        Dbs dbs = prepare(maria);
        CrashStorms.storm("mylogical", 606,
                () -> CdcSinkProcess.logicalStarting("mylogical", "storm-mylogical", flags(maria, dbs)),
                () -> maria.connect(dbs.source()), target.dataSource(dbs.target())::getConnection);
    }

    @Test
    void mylogicalImmediateModeEndsEqualToTheSource() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        Dbs dbs = prepare(maria);
        List<String> flags = new ArrayList<>(flags(maria, dbs));
        flags.add("--immediate");
        // Each fan shard holds a connection while it has rows: fewer shards than the 8 connections.
        flags.addAll(List.of("--fanShards", "4"));
        CrashStorms.immediate("mylogical", 616, () -> CdcSinkProcess.logical("mylogical", "bank-mylogical", flags),
                () -> maria.connect(dbs.source()), target.dataSource(dbs.target())::getConnection, 1_000);
    }

    /** The databases and the GTID position from which the source's bank transactions are read. */
    private record Dbs(String source, String target, String gtid) {
    }

    private Dbs prepare(EmbeddedMariaDb maria) throws Exception {
        String sourceDb = maria.newDatabase("stormsrc");
        String targetDb = target.freshDatabase("stormdst");
        CrashStorms.ddl(() -> maria.connect(sourceDb));
        CrashStorms.ddl(target.dataSource(targetDb)::getConnection);
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(sourceDb)) {
            Bank.open(c);
        }
        return new Dbs(sourceDb, targetDb, gtid);
    }

    private List<String> flags(EmbeddedMariaDb maria, Dbs dbs) {
        return List.of("--sourceConn", maria.sourceConn(),
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", dbs.target(), "--sourceDatabase", dbs.source(), "--defaultGTIDSet", dbs.gtid(),
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
    }
}
