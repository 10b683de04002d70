package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.FaultProxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue #30 item 6: three {@code cdc-sink start} instances on one target database, behind a round-robin balancer
 * ({@link FaultProxy#toAny}) that the changefeed emulator posts the bank workload to (three nodes, shuffled, with
 * duplicates, four senders). The instances are killed with SIGKILL in turn and started again on their ports while
 * the workload runs; the emulator retries what a killed instance did not acknowledge. Consistent mode must never
 * show half a transaction at any read, every transfer's log row must be there exactly once, and the target must
 * end equal to the source. {@code -Dstorm.kills} (default 6, two per instance) and {@code -Dstorm.seed}.
 */
class ManyInstancesIT {
    private static final int INSTANCES = 3;

    @Test
    void threeInstancesKilledInTurn() throws Exception {
        EmbeddedPg target = EmbeddedPg.shared();
        String db = target.freshDatabase("many");
        try (Connection c = target.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            for (String sql : BankFeed.ddl()) {
                s.execute(sql);
            }
        }
        Callable<Connection> dst = target.dataSource(db)::getConnection;
        long seed = KillStorm.seed(808);
        int kills = Integer.getInteger("storm.kills", 6);
        String conn = "postgresql://postgres@localhost:" + target.port() + "/" + db + "?sslmode=disable";
        int[] ports = new int[INSTANCES];
        List<CdcSinkProcess> instances = new ArrayList<>();
        try {
            for (int i = 0; i < INSTANCES; i++) {
                instances.add(CdcSinkProcess.start(conn, "many-" + i));
                ports[i] = instances.get(i).uri("/").getPort();
            }
            run(db, conn, dst, seed, kills, ports, instances);
        } finally {
            for (CdcSinkProcess p : instances) {
                p.kill();
            }
        }
    }

    private static void run(String db, String conn, Callable<Connection> dst, long seed, int kills, int[] ports,
                            List<CdcSinkProcess> instances) throws Exception {
        Random random = new Random(seed);
        try (FaultProxy balancer = FaultProxy.toAny(ports)) {
            EmulatorConfig config = EmulatorConfig.to("/" + db + "/public").withNodes(3).withShuffle(true)
                    .withDuplicateProbability(0.1).withSenders(4).withBatchSize(20)
                    .withResolvedInterval(Duration.ofMillis(200)).withSeed(seed)
                    .withRetryTimeout(Duration.ofMinutes(5));
            long started = System.nanoTime();
            try (ChangefeedEmulator emulator = new ChangefeedEmulator(URI.create("http://127.0.0.1:"
                    + balancer.port()), config);
                 InvariantReader reader = new InvariantReader(() -> CrashStorms.connect(dst))) {
                BankFeed feed = new BankFeed(seed, System.currentTimeMillis() * 1_000_000L, emulator::submit);
                feed.open();
                AtomicBoolean writing = new AtomicBoolean(true);
                Thread writer = new Thread(() -> {
                    while (writing.get()) {
                        feed.transfer();
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "bank-writer");
                writer.start();
                try {
                    for (int k = 0; k < kills; k++) {
                        Thread.sleep(1_000 + random.nextInt(2_000));
                        int victim = k % INSTANCES;
                        instances.get(victim).kill();
                        instances.set(victim, CdcSinkProcess.startingOn(ports[victim], conn, "many-" + victim));
                    }
                    Thread.sleep(1_000);
                } finally {
                    writing.set(false);
                    writer.join();
                }
                long rows = CrashStorms.awaitSame(feed, dst, Duration.ofSeconds(120));
                reader.close();
                System.out.printf("MANY seed=%d instances=%d kills=%d transfers=%d invariant reads=%d violations=%d"
                                + " rows compared=%d connections per instance=%s in %.0f s%n", seed, INSTANCES, kills,
                        feed.transfers(), reader.reads(), reader.violations().size(), rows,
                        balancer.openedPerUpstream(), (System.nanoTime() - started) / 1e9);
                assertThat(reader.violations()).as("half-applied transactions (seed %d)", seed).isEmpty();
                assertThat(reader.reads()).isGreaterThan(100);
                assertThat(emulator.failure()).as("the emulator gave up").isEmpty();
                assertThat(balancer.openedPerUpstream()).allMatch(n -> n > 0);
                try (Connection t = dst.call()) {
                    assertThat(Bank.totals(t).money()).isEqualTo(Bank.TOTAL);
                    assertThat(Bank.rows(t, "bank_log")).hasSize((int) feed.transfers());
                }
            }
        }
    }
}
