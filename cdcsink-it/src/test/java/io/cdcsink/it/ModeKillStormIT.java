package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Kill storms ({@link KillStorm}: cdc-sink killed with SIGKILL at seeded moments, start-up included) in the two fan
 * modes of the logical sources, where rows are spread over {@code --fanShards} connections and the position is stored
 * apart from the data: {@code --immediate}, and backfill ({@code --backfillWindow}: fan mode while the stored
 * position is older than the window, consistent mode once caught up; a backlog written before the storm makes the
 * first processes backfill). A killed process leaves rows applied past the stored position; the next one applies
 * them again from there. Also {@code start --immediate} fed by the changefeed emulator with compare-and-set, where
 * the emulator resends what a killed process did not acknowledge. Half-applied transfers may be seen on the way
 * (counted), but the final target must equal the source row by row. 5 kills per storm ({@code -Dmodestorm.kills}); 20 with {@code -Dnightly=true}.
 */
class ModeKillStormIT {
    private static final int BACKLOG = 1_500;
    private final EmbeddedPg target = EmbeddedPg.shared();

    private static int kills() {
        return Integer.getInteger("modestorm.kills", Boolean.getBoolean("nightly") ? 20 : 5);
    }

    @Test
    void pglogicalImmediateModeSurvivesAKillStorm() throws Exception {
        pglogical("immediate", 7001, List.of("--immediate", "--fanShards", "4"), 0);
    }

    @Test
    void pglogicalBackfillSurvivesAKillStorm() throws Exception {
        pglogical("backfill", 7002, List.of("--backfillWindow", "2s", "--fanShards", "4"), BACKLOG);
    }

    @Test
    void mylogicalImmediateModeSurvivesAKillStorm() throws Exception {
        mylogical("immediate", 7003, List.of("--immediate", "--fanShards", "4"), 0);
    }

    @Test
    void mylogicalBackfillSurvivesAKillStorm() throws Exception {
        mylogical("backfill", 7004, List.of("--backfillWindow", "2s", "--fanShards", "4"), BACKLOG);
    }

    /**
     * {@code start --immediate} fed by the changefeed emulator (3 nodes, shuffled, some batches twice), with
     * compare-and-set on {@code ver} configured before the storm: each restarted process reads it at start-up.
     */
    @Test
    void webhookImmediateModeSurvivesAKillStorm() throws Exception {
        String db = target.freshDatabase("modeweb");
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            for (String sql : BankFeed.ddl()) {
                s.execute(sql);
            }
        }
        long seed = KillStorm.seed(7005);
        int port = CdcSinkProcess.freePort();
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + db + "?sslmode=disable";
        EmulatorConfig config = EmulatorConfig.to("/" + db + "/public").withNodes(3).withShuffle(true)
                .withDuplicateProbability(0.1).withSenders(4).withBatchSize(20)
                .withResolvedInterval(Duration.ofMillis(200)).withSeed(seed).withRetryTimeout(Duration.ofMinutes(5));
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(URI.create("http://127.0.0.1:" + port), config)) {
            BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
            try (CdcSinkProcess first = CdcSinkProcess.startingOn(port, conn, "modestorm-webhook", "--immediate")) {
                first.awaitHealthy(Duration.ofSeconds(60));
                feed.open();
                emulator.finish(Duration.ofMinutes(1));
            }
            // The first mutation created apply_config.
            try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
                for (String table : new String[] {"bank_a", "bank_b"}) {
                    s.execute("INSERT INTO _cdc_sink.apply_config (target_db, target_schema, target_table,"
                            + " target_column, cas_order) VALUES ('" + db + "', 'public', '" + table + "', 'ver', 1)");
                }
            }
            KillStorm.Result result;
            long rows;
            try (InvariantReader reader = new InvariantReader(target.dataSource(db)::getConnection)) {
                result = new KillStorm(seed, kills(), () -> CdcSinkProcess.startingOn(port, conn,
                        "modestorm-webhook", "--immediate")).run(feed::transfer, feed::transfers);
                try {
                    rows = CrashStorms.awaitSame(feed, target.dataSource(db)::getConnection, Duration.ofSeconds(120));
                } finally {
                    result.process().close();
                }
                reader.close();
                System.out.printf("mode kill storm webhook immediate: seed=%d kills=%d (during start-up %d)"
                                + " transfers=%d invariant reads=%d (half-applied seen %d, allowed) rows compared=%d%n",
                        seed, result.figures().kills(), result.figures().duringStartup(),
                        result.figures().transfers(), reader.reads(), reader.violations().size(), rows);
            }
            assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
            assertThat(result.figures().kills()).isEqualTo(kills());
            try (Connection t = target.dataSource(db).getConnection()) {
                assertThat(Bank.totals(t).consistent()).isTrue();
                assertThat(Bank.rows(t, "bank_log")).hasSize((int) result.figures().transfers());
            }
        }
    }

    private void pglogical(String mode, long defaultSeed, List<String> modeFlags, int backlog) throws Exception {
        EmbeddedPg source = EmbeddedPg.shared();
        String src = source.freshDatabase("modesrc");
        String db = target.freshDatabase("modedst");
        CrashStorms.ddl(source.dataSource(src)::getConnection);
        CrashStorms.ddl(target.dataSource(db)::getConnection);
        try (Connection c = source.dataSource(src).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION bank_pub FOR TABLE bank_a, bank_b, bank_log");
            s.execute("SELECT pg_create_logical_replication_slot('mode_" + src + "', 'pgoutput')");
            Bank.open(c);
        }
        List<String> flags = new ArrayList<>(List.of("--sourceConn", "postgresql://postgres@localhost:"
                + source.port() + "/" + src + "?sslmode=disable", "--publicationName", "bank_pub",
                "--slotName", "mode_" + src));
        flags.addAll(targetFlags(db));
        flags.addAll(modeFlags);
        storm("pglogical " + mode, "pglogical", KillStorm.seed(defaultSeed), flags, backlog,
                source.dataSource(src)::getConnection, target.dataSource(db)::getConnection);
    }

    private void mylogical(String mode, long defaultSeed, List<String> modeFlags, int backlog) throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String src = maria.newDatabase("modesrc");
        String db = target.freshDatabase("modedst");
        CrashStorms.ddl(() -> maria.connect(src));
        CrashStorms.ddl(target.dataSource(db)::getConnection);
        String gtid = maria.gtidBinlogPos();
        try (Connection c = maria.connect(src)) {
            Bank.open(c);
        }
        List<String> flags = new ArrayList<>(List.of("--sourceConn", maria.sourceConn(), "--sourceDatabase", src,
                "--defaultGTIDSet", gtid));
        flags.addAll(targetFlags(db));
        flags.addAll(modeFlags);
        storm("mylogical " + mode, "mylogical", KillStorm.seed(defaultSeed), flags, backlog,
                () -> maria.connect(src), target.dataSource(db)::getConnection);
    }

    private List<String> targetFlags(String db) {
        return List.of("--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", db, "--standbyTimeout", "500ms", "--retryDelay", "300ms", "--targetDBConns", "8");
    }

    private static void storm(String name, String command, long seed, List<String> flags, int backlog,
                              Callable<Connection> source, Callable<Connection> target) throws Exception {
        List<CdcSinkProcess> started = Collections.synchronizedList(new ArrayList<>());
        try (Connection writer = source.call()) {
            CrashStorms.BankSource bank = CrashStorms.sql(seed, writer, source);
            for (int i = 0; i < backlog; i++) {
                bank.transfer();
            }
            KillStorm.Result result;
            long rows;
            try (InvariantReader reader = new InvariantReader(() -> CrashStorms.connect(target))) {
                result = new KillStorm(seed, kills(), () -> {
                    CdcSinkProcess p = CdcSinkProcess.logicalStarting(command, "modestorm-" + command, flags);
                    started.add(p);
                    return p;
                }).run(bank::transfer, bank::transfers);
                try {
                    rows = CrashStorms.awaitSame(bank, target, Duration.ofSeconds(120));
                } finally {
                    result.process().close();
                }
                reader.close();
                long backfills = 0;
                long caughtUp = 0;
                for (CdcSinkProcess p : started) {
                    String log = p.logText();
                    backfills += log.lines().filter(l -> l.contains("using backfill strategy")).count();
                    caughtUp += log.lines().filter(l -> l.contains("backfill has caught up")).count();
                }
                System.out.printf("mode kill storm %s: seed=%d kills=%d (during start-up %d) transfers=%d"
                                + " (backlog %d) processes that backfilled=%d caught up=%d invariant reads=%d"
                                + " (half-applied seen %d, allowed) rows compared=%d%n", name, seed,
                        result.figures().kills(), result.figures().duringStartup(), result.figures().transfers(),
                        backlog, backfills, caughtUp, reader.reads(), reader.violations().size(), rows);
                if (backlog > 0) {
                    assertThat(backfills).as("processes that started in backfill mode").isPositive();
                }
            }
            assertThat(result.figures().kills()).isEqualTo(kills());
            try (Connection t = target.call()) {
                assertThat(Bank.totals(t).consistent()).isTrue();
                assertThat(Bank.rows(t, "bank_log")).hasSize((int) result.figures().transfers());
            }
        }
    }
}
