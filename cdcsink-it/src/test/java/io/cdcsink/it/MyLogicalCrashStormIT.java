package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CrashStorms} for mylogical: a MariaDB source read from its GTID binlog, a PostgreSQL target. */
class MyLogicalCrashStormIT {
    private final EmbeddedPg target = EmbeddedPg.shared();

    @Test
    void mylogicalSurvivesAKillStormWithoutLossOrHalfTransactions() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String sourceDb = maria.newDatabase("stormsrc");
        String targetDb = target.freshDatabase("stormdst");
        CrashStorms.ddl(() -> maria.connect(sourceDb));
        CrashStorms.ddl(target.dataSource(targetDb)::getConnection);
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(sourceDb)) {
            Bank.open(c);
        }
        List<String> flags = List.of("--sourceConn", maria.sourceConn(),
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--sourceDatabase", sourceDb, "--defaultGTIDSet", gtid,
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
        CrashStorms.storm("mylogical", 606,
                () -> CdcSinkProcess.logicalStarting("mylogical", "storm-mylogical", flags),
                () -> maria.connect(sourceDb), target.dataSource(targetDb)::getConnection);
    }
}
