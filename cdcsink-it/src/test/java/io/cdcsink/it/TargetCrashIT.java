package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DatabaseCrashes} of the target: a PostgreSQL with {@code fsync} and {@code synchronous_commit} on
 * ({@link CrashablePg}) is killed with SIGKILL while the bank workload replicates into it, for the webhook in
 * consistent and immediate mode, pglogical and mylogical. The one cdc-sink process must recover by itself each time,
 * lose and double nothing, and in consistent mode never show half a transaction.
 */
class TargetCrashIT {
    private static CrashablePg target;

    @BeforeAll
    static void startTarget() throws Exception {
        target = CrashablePg.start();
    }

    @AfterAll
    static void stopTarget() throws Exception {
        target.close();
    }

    private static final DatabaseCrashes.Crashable VICTIM = new DatabaseCrashes.Crashable() {
        @Override
        public void crash() throws Exception {
            target.crash();
        }

        @Override
        public void up() throws Exception {
            target.up();
        }
    };

    @Test
    void webhookConsistentSurvivesTargetCrashes() throws Exception {
        String db = webhookDb("crashwebc");
        long seed = DatabaseCrashes.seed(3001);
        try (CdcSinkProcess p = CdcSinkProcess.start(target.url(db), "crash-webhook-consistent");
             ChangefeedEmulator emulator = new ChangefeedEmulator(p.uri(""), feed(db, seed))) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            DatabaseCrashes.run("webhook consistent", seed, VICTIM, feed, conn(db), true);
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
            assertThat(p.isAlive()).isTrue();
        }
    }

    @Test
    void webhookImmediateSurvivesTargetCrashes() throws Exception {
        String db = webhookDb("crashwebi");
        long seed = DatabaseCrashes.seed(3002);
        try (CdcSinkProcess p = CdcSinkProcess.start(target.url(db), "crash-webhook-immediate", "--immediate");
             ChangefeedEmulator emulator = new ChangefeedEmulator(p.uri(""), feed(db, seed))) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            feed.open();
            emulator.finish(Duration.ofMinutes(1));
            // Shuffled, duplicated delivery in immediate mode needs compare-and-set on ver (as WebhookBankIT).
            try (Connection c = target.connect(db)) {
                Bank.compareAndSetOnVer(p, c, db, "public");
            }
            DatabaseCrashes.run("webhook immediate", seed, VICTIM, feed, conn(db), false);
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
            assertThat(p.isAlive()).isTrue();
        }
    }

    @Test
    void pglogicalSurvivesTargetCrashes() throws Exception {
        EmbeddedPg source = EmbeddedPg.shared();
        String src = source.freshDatabase("crashsrc");
        String db = bankDb("crashpgl");
        CrashStorms.ddl(source.dataSource(src)::getConnection);
        try (Connection c = source.dataSource(src).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('crash_" + src + "', 'pgoutput')");
            Bank.open(c);
        }
        long seed = DatabaseCrashes.seed(3003);
        List<String> flags = logicalFlags(db, List.of("--sourceConn", "postgresql://postgres@localhost:"
                + source.port() + "/" + src + "?sslmode=disable", "--publicationName", "bank_pub",
                "--slotName", "crash_" + src));
        try (CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "crash-target-pglogical", flags);
             Connection writer = source.dataSource(src).getConnection()) {
            DatabaseCrashes.run("pglogical target", seed, VICTIM,
                    CrashStorms.sql(seed, writer, source.dataSource(src)::getConnection), conn(db), true);
            assertThat(p.isAlive()).isTrue();
        }
    }

    @Test
    void mylogicalSurvivesTargetCrashes() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String src = maria.newDatabase("crashsrc");
        String db = bankDb("crashmyl");
        CrashStorms.ddl(() -> maria.connect(src));
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(src)) {
            Bank.open(c);
        }
        long seed = DatabaseCrashes.seed(3004);
        List<String> flags = logicalFlags(db, List.of("--sourceConn", maria.sourceConn(), "--sourceDatabase", src,
                "--defaultGTIDSet", gtid));
        try (CdcSinkProcess p = CdcSinkProcess.logical("mylogical", "crash-target-mylogical", flags);
             Connection writer = maria.connect(src)) {
            DatabaseCrashes.run("mylogical target", seed, VICTIM, CrashStorms.sql(seed, writer,
                    () -> maria.connect(src)), conn(db), true);
            assertThat(p.isAlive()).isTrue();
        }
    }

    private static List<String> logicalFlags(String db, List<String> source) {
        List<String> flags = new ArrayList<>(source);
        flags.addAll(List.of("--targetConn", target.url("postgres"), "--targetDB", db, "--standbyTimeout", "500ms",
                "--retryDelay", "250ms", "--targetDBConns", "4"));
        return flags;
    }

    private static EmulatorConfig feed(String db, long seed) {
        return EmulatorConfig.to("/" + db + "/public").withNodes(3).withShuffle(true).withDuplicateProbability(0.1)
                .withSenders(4).withBatchSize(20).withResolvedInterval(Duration.ofMillis(200)).withSeed(seed)
                .withRetryTimeout(Duration.ofMinutes(5));
    }

    private static String webhookDb(String name) throws Exception {
        target.exec("postgres", "CREATE DATABASE " + name);
        try (Connection c = target.connect(name); Statement s = c.createStatement()) {
            for (String sql : BankFeed.ddl()) {
                s.execute(sql);
            }
        }
        return name;
    }

    private static String bankDb(String name) throws Exception {
        target.exec("postgres", "CREATE DATABASE " + name);
        CrashStorms.ddl(() -> target.connect(name));
        return name;
    }

    private static Callable<Connection> conn(String db) {
        return () -> target.connect(db);
    }
}
