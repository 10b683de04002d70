package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CrashStorms} for pglogical: a PostgreSQL source with a publication and slot, a PostgreSQL or MariaDB target. */
class PgLogicalCrashStormIT {
    private static EmbeddedPg pgSource;

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
        Dbs dbs = prepare(TestTarget.POSTGRESQL);
        CrashStorms.storm("pglogical", 505,
                () -> CdcSinkProcess.logicalStarting("pglogical", "storm-pglogical", flags(dbs)),
                dbs.source(), dbs.target());
    }

    /**
     * PostgreSQL into MariaDB, in a short storm (2 kills; the full one with -Dnightly=true). pglogical writes a
     * source schema to the target schema of the same name, which on MariaDB is a database: the source's bank tables
     * live in a schema named as the target database.
     */
    @Test
    void pglogicalIntoMariaDbSurvivesKillsWithoutLossOrHalfTransactions() throws Exception {
        Dbs dbs = prepare(TestTarget.MARIADB);
        CrashStorms.storm("pglogical into MariaDB", 525, KillStorm.shortStorm(2),
                () -> CdcSinkProcess.logicalStarting("pglogical", "storm-pglogical-mariadb", flags(dbs)),
                dbs.source(), dbs.target());
    }

    @Test
    void pglogicalImmediateModeEndsEqualToTheSource() throws Exception {
        Dbs dbs = prepare(TestTarget.POSTGRESQL);
        List<String> flags = new ArrayList<>(flags(dbs));
        flags.add("--immediate");
        // Each fan shard holds a connection while it has rows: fewer shards than the 8 connections.
        flags.addAll(List.of("--fanShards", "4"));
        CrashStorms.immediate("pglogical", 515, () -> CdcSinkProcess.logical("pglogical", "bank-pglogical", flags),
                dbs.source(), dbs.target(), 1_000);
    }

    /** The source and target databases, and connections to them (the source's in the bank tables' schema). */
    private record Dbs(String sourceDb, String targetDb, TestTarget to, Callable<Connection> source,
                       Callable<Connection> target) {
    }

    /**
     * Bank tables on both sides, a publication and a slot on the source, the accounts opened. The source's tables
     * are in the schema that names the target's ({@link TestTarget#schema}).
     */
    private Dbs prepare(TestTarget to) throws Exception {
        String sourceDb = pgSource.freshDatabase("stormsrc");
        String targetDb = to.freshDatabase("stormdst");
        String schema = to.schema(targetDb);
        if (!schema.equals("public")) {
            pgSource.exec(sourceDb, "CREATE SCHEMA \"" + schema + "\"");
        }
        Callable<Connection> source = () -> {
            Connection c = pgSource.dataSource(sourceDb).getConnection();
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path TO \"" + schema + "\"");
            }
            return c;
        };
        CrashStorms.ddl(source);
        CrashStorms.ddl(() -> to.connect(targetDb));
        try (Connection c = source.call(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('storm_" + sourceDb + "', 'pgoutput')");
            Bank.open(c);
        }
        return new Dbs(sourceDb, targetDb, to, source, () -> to.connect(targetDb));
    }

    private List<String> flags(Dbs dbs) {
        return List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + pgSource.port() + "/" + dbs.sourceDb()
                        + "?sslmode=disable",
                "--targetConn", dbs.to().conn(dbs.targetDb()),
                "--targetDB", dbs.targetDb(), "--publicationName", "bank_pub", "--slotName", "storm_" + dbs.sourceDb(),
                "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8",
                // On MySQL cdc-sink's metadata is one database per server: the loop's name is unique on it.
                "--loopName", dbs.to() == TestTarget.MARIADB ? dbs.targetDb() : "pglogical");
    }
}
