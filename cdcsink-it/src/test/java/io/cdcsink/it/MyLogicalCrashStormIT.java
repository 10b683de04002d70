package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedMariaDb;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CrashStorms} for mylogical: a MariaDB source read from its GTID binlog, a PostgreSQL or MariaDB target. */
class MyLogicalCrashStormIT {
    @Test
    void mylogicalSurvivesAKillStormWithoutLossOrHalfTransactions() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        Dbs dbs = prepare(maria, TestTarget.POSTGRESQL);
        CrashStorms.storm("mylogical", 606,
                () -> CdcSinkProcess.logicalStarting("mylogical", "storm-mylogical", flags(maria, dbs)),
                () -> maria.connect(dbs.source()), () -> dbs.to().connect(dbs.target()));
    }

    /**
     * MariaDB database A into database B of the same server, in a short storm (2 kills; the full one with
     * -Dnightly=true): the target tables are in B itself ({@code --targetSchema B}).
     */
    @Test
    void mylogicalIntoMariaDbSurvivesKillsWithoutLossOrHalfTransactions() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        Dbs dbs = prepare(maria, TestTarget.MARIADB);
        CrashStorms.storm("mylogical into MariaDB", 626, KillStorm.shortStorm(2),
                () -> CdcSinkProcess.logicalStarting("mylogical", "storm-mylogical-mariadb", flags(maria, dbs)),
                () -> maria.connect(dbs.source()), () -> dbs.to().connect(dbs.target()));
    }

    @Test
    void mylogicalImmediateModeEndsEqualToTheSource() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        Dbs dbs = prepare(maria, TestTarget.POSTGRESQL);
        List<String> flags = new ArrayList<>(flags(maria, dbs));
        flags.add("--immediate");
        // Each fan shard holds a connection while it has rows: fewer shards than the 8 connections.
        flags.addAll(List.of("--fanShards", "4"));
        CrashStorms.immediate("mylogical", 616, () -> CdcSinkProcess.logical("mylogical", "bank-mylogical", flags),
                () -> maria.connect(dbs.source()), () -> dbs.to().connect(dbs.target()), 1_000);
    }

    /** The databases and the GTID position from which the source's bank transactions are read. */
    private record Dbs(String source, String target, String gtid, TestTarget to) {
    }

    private Dbs prepare(EmbeddedMariaDb maria, TestTarget to) throws Exception {
        String sourceDb = maria.newDatabase("stormsrc");
        String targetDb = to.freshDatabase("stormdst");
        CrashStorms.ddl(() -> maria.connect(sourceDb));
        CrashStorms.ddl(() -> to.connect(targetDb));
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(sourceDb)) {
            Bank.open(c);
        }
        return new Dbs(sourceDb, targetDb, gtid, to);
    }

    private List<String> flags(EmbeddedMariaDb maria, Dbs dbs) {
        return List.of("--sourceConn", maria.sourceConn(),
                "--targetConn", dbs.to().conn(dbs.target()), "--targetDB", dbs.target(),
                "--targetSchema", dbs.to().schema(dbs.target()),
                "--sourceDatabase", dbs.source(), "--defaultGTIDSet", dbs.gtid(),
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8",
                // On MySQL cdc-sink's metadata is one database per server: the loop's name is unique on it.
                "--loopName", dbs.to() == TestTarget.MARIADB ? dbs.target() : "mylogical");
    }
}
