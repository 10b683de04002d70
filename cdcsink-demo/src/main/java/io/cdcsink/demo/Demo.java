package io.cdcsink.demo;

import io.cdcsink.api.Hlc;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.webhook.WebhookServer;
import io.cdcsink.demo.emulator.ChangefeedEmulator;
import io.cdcsink.demo.emulator.EmulatorConfig;
import io.cdcsink.demo.emulator.EmulatorStats;
import io.cdcsink.demo.emulator.SourceTransaction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code cdc-sink demo}: starts a source and a target PostgreSQL in this process, replicates one generated
 * workload through both paths (the changefeed webhook, fed by the {@link ChangefeedEmulator}, into database
 * {@code webhook}; pglogical into database {@code pglogical}), shows progress every second, waits for both to
 * catch up and compares each target table with the source. Everything it started is stopped and its directory
 * deleted at the end or on Ctrl-C.
 */
final class Demo {
    static final String SLOT = "cdc_sink_demo";
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final DemoConfig config;
    private final PrintStream out;

    Demo(DemoConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Runs the demo; returns the exit code: 0 when both targets equal the source, else 1. */
    int run() throws Exception {
        DemoResources resources = new DemoResources(Files.createTempDirectory("cdc-sink-demo-"));
        Thread hook = new Thread(() -> {
            if (!resources.isClosed()) {
                out.println();
                out.println("interrupted: stopping the replicators and the PostgreSQL servers");
                resources.close();
                out.println("removed " + resources.directory());
                out.flush();
            }
        }, "cdc-sink-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(resources);
        } catch (Exception e) {
            if (resources.isClosed()) {
                return 130;
            }
            throw e;
        } finally {
            resources.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run.
            }
        }
    }

    private int run(DemoResources resources) throws Exception {
        out.printf("cdc-sink demo: %s of %d transactions/s (seed %d), source and target PostgreSQL embedded in"
                + " this process%n", GoDurationText.of(config.duration()), config.rate(), config.seed());
        out.println("data directory " + resources.directory() + " (deleted at exit)");
        EmbeddedPostgres source = resources.add(DemoServers.source(resources.directory().resolve("source")));
        EmbeddedPostgres target = resources.add(DemoServers.target(resources.directory().resolve("target")));
        exec(source, "postgres", "CREATE DATABASE demo");
        exec(source, "demo", DemoWorkload.DDL, "CREATE PUBLICATION " + SLOT + " FOR TABLE " + DemoWorkload.TABLE,
                "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        exec(target, "postgres", "CREATE DATABASE webhook", "CREATE DATABASE pglogical");
        exec(target, "webhook", DemoWorkload.DDL);
        exec(target, "pglogical", DemoWorkload.DDL);

        Replicator webhook = resources.add(Replicator.builder()
                .target(TargetConfig.of(DemoServers.connection(target, "webhook")).withMaxPoolSize(8))
                .source("webhook", Map.of("bindAddr", "127.0.0.1:0")).disableAuthentication().start());
        Replicator pglogical = resources.add(Replicator.builder()
                .target(TargetConfig.of(DemoServers.connection(target, "pglogical")).withMaxPoolSize(8))
                .withoutStaging()
                .source("pglogical", Map.of("sourceConn", DemoServers.connection(source, "demo"),
                        "publicationName", SLOT, "slotName", SLOT, "targetDB", "pglogical",
                        "standbyTimeout", "500ms", "retryDelay", "1s"))
                .start());
        int port = webhook.source(WebhookServer.class).port();
        EmulatorConfig feed = EmulatorConfig.to("/webhook/public").withNodes(config.nodes()).withShuffle(true)
                .withDuplicateProbability(0.05).withBatchSize(50).withSenders(4)
                .withResolvedInterval(Duration.ofMillis(500)).withSeed(config.seed());
        ChangefeedEmulator emulator = resources.add(new ChangefeedEmulator(URI.create("http://127.0.0.1:" + port),
                feed));
        out.printf("webhook:   changefeed emulator (%d nodes) -> http://127.0.0.1:%d/webhook/public -> database"
                + " webhook%n", config.nodes(), port);
        out.printf("pglogical: source database demo, slot %s -> database pglogical%n", SLOT);

        DemoProgress webhookProgress = DemoProgress.webhook(webhook.registry());
        DemoProgress pgProgress = DemoProgress.pglogical(pglogical.registry());
        DemoWorkload workload = new DemoWorkload(config.seed(), config.keys());
        long transactions = 0;
        long rows = 0;
        double newestCommit = 0;
        long start = System.nanoTime();
        long end = start + config.duration().toNanos();
        long nextLine = start + SECOND;
        long lastTransactions = 0;
        try (Connection c = source.getDatabase("postgres", "demo").getConnection()) {
            c.setAutoCommit(false);
            while (!resources.isClosed()) {
                long now = System.nanoTime();
                if (now >= nextLine) {
                    out.printf("%4ds  source %5d tx/s | %s | %s%n", (now - start) / SECOND,
                            transactions - lastTransactions, webhookProgress.line(newestCommit),
                            pgProgress.line(newestCommit));
                    lastTransactions = transactions;
                    nextLine += SECOND;
                }
                if (now >= end) {
                    break;
                }
                long due = start + (long) (transactions * (double) SECOND / config.rate());
                if (due > now) {
                    LockSupport.parkNanos(Math.min(due, nextLine) - now);
                    continue;
                }
                SourceTransaction tx = workload.next(c);
                emulator.submit(tx);
                transactions++;
                rows += tx.changes().size();
                newestCommit = tx.commit().nanos() / 1e9;
            }
        }
        // The insert position, not pg_current_wal_lsn(): the source commits asynchronously, so the write position
        // may still be short of the last commits, and the slot confirming it meant nothing about them (the check then
        // compared the target while the last two transactions were on their way: "418 rows ... DIFFERS").
        String endLsn = query(source, "demo", "SELECT pg_current_wal_insert_lsn()::text");
        out.printf("workload done: %d transactions, %d row changes; waiting for both paths to catch up%n",
                transactions, rows);
        EmulatorStats stats = emulator.finish(CATCH_UP);
        Hlc lastResolved = stats.resolved().orElse(Hlc.ZERO);
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        boolean webhookDone = false;
        boolean pgDone = false;
        nextLine = System.nanoTime() + SECOND;
        while (!(webhookDone && pgDone) && System.nanoTime() < deadline && !resources.isClosed()) {
            webhookDone = webhookDone || applied(target, lastResolved);
            pgDone = pgDone || confirmed(source, endLsn);
            if (System.nanoTime() >= nextLine) {
                out.printf("%4ds  catching up     | %s | %s%n", (System.nanoTime() - start) / SECOND,
                        webhookProgress.line(newestCommit), pgProgress.line(newestCommit));
                nextLine += SECOND;
            }
            Thread.sleep(100);
        }
        out.printf("webhook requests: %d batches (%d re-delivered duplicates), %d retries, last resolved %s%n",
                stats.batches(), stats.duplicateBatches(), stats.retries(), lastResolved);
        DemoDigest expected = digest(source, "demo");
        DemoDigest viaWebhook = digest(target, "webhook");
        DemoDigest viaPg = digest(target, "pglogical");
        out.printf("source     accounts: %s%n", expected);
        out.printf("webhook    accounts: %s  %s%n", viaWebhook, verdict(expected, viaWebhook, webhookDone));
        out.printf("pglogical  accounts: %s  %s%n", viaPg, verdict(expected, viaPg, pgDone));
        boolean ok = expected.equals(viaWebhook) && expected.equals(viaPg);
        out.println(ok ? "RESULT: OK - both targets equal the source"
                : "RESULT: MISMATCH - a target differs from the source");
        out.flush();
        return ok ? 0 : 1;
    }

    private static String verdict(DemoDigest expected, DemoDigest actual, boolean caughtUp) {
        if (expected.equals(actual)) {
            return "= source";
        }
        return caughtUp ? "DIFFERS from source" : "DIFFERS from source (did not catch up in " + CATCH_UP + ")";
    }

    private static boolean applied(EmbeddedPostgres target, Hlc resolved) throws SQLException {
        try (Connection c = target.getDatabase("postgres", "webhook").getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT nanos, logical FROM _cdc_sink.timestamps WHERE target_schema = ?")) {
            s.setString(1, "public");
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && new Hlc(rs.getLong(1), rs.getInt(2)).compareTo(resolved) >= 0;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return resolved.equals(Hlc.ZERO);
            }
            throw e;
        }
    }

    private static boolean confirmed(EmbeddedPostgres source, String lsn) throws SQLException {
        try (Connection c = source.getDatabase("postgres", "demo").getConnection();
             PreparedStatement s = c.prepareStatement("SELECT confirmed_flush_lsn >= ?::pg_lsn"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, lsn);
            s.setString(2, SLOT);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static DemoDigest digest(EmbeddedPostgres server, String database) throws SQLException {
        try (Connection c = server.getDatabase("postgres", database).getConnection()) {
            return DemoDigest.of(c, DemoWorkload.TABLE);
        }
    }

    private static void exec(EmbeddedPostgres server, String database, String... sql) throws SQLException {
        try (Connection c = server.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static String query(EmbeddedPostgres server, String database, String sql) throws SQLException {
        try (Connection c = server.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Go-style text of a duration for the banner ({@code 30s}, {@code 1m30s}). */
    private static final class GoDurationText {
        static String of(Duration d) {
            long s = d.toSeconds();
            if (d.toMillis() % 1000 != 0) {
                return d.toMillis() + "ms";
            }
            return (s >= 60 ? s / 60 + "m" : "") + (s % 60 != 0 || s < 60 ? s % 60 + "s" : "");
        }
    }
}
