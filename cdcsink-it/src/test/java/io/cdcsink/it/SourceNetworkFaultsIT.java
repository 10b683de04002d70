package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.FaultProxy;
import io.cdcsink.testing.TableDiff;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Issue #30 item 3, the logical sources: network faults between {@code cdc-sink pglogical} (and {@code mylogical})
 * and its source, and between it and its target, injected by {@link FaultProxy} while money moves between accounts
 * on the source. Each fault lasts until {@code /_/healthz} says 503 (a blackhole and a half-open connection must be
 * noticed by a timeout) or a few seconds; afterwards the target must equal the source row by row, with the total
 * unchanged, and cdc-sink must not have been restarted. The default suite puts the blackhole only on the target
 * side (the webhook test covers the rest there); {@code -Dnightly=true} puts every fault on both sides.
 */
class SourceNetworkFaultsIT {
    private static final String DDL = "CREATE TABLE acct (k INT PRIMARY KEY, bal BIGINT, note TEXT)";
    private static final int ACCOUNTS = 100;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void pglogical() throws Exception {
        EmbeddedPg source = EmbeddedPg.start();
        EmbeddedPg target = EmbeddedPg.shared();
        try (source; FaultProxy toSource = FaultProxy.to(source.port());
             FaultProxy toTarget = FaultProxy.to(target.port())) {
            source.exec("postgres", "CREATE DATABASE src");
            source.exec("src", DDL, "CREATE PUBLICATION pub FOR ALL TABLES",
                    "SELECT pg_create_logical_replication_slot('cdc_sink_src', 'pgoutput')",
                    "INSERT INTO acct SELECT g, 1000, 'start' FROM generate_series(1, " + ACCOUNTS + ") g");
            String dst = target.freshDatabase("netfault_pg");
            target.exec(dst, DDL);
            List<String> flags = List.of(
                    "--sourceConn", "postgresql://postgres@localhost:" + toSource.port()
                            + "/src?sslmode=disable&socketTimeout=5",
                    "--targetConn", "postgresql://postgres@localhost:" + toTarget.port()
                            + "/postgres?sslmode=disable&socketTimeout=3&options=-c%20statement_timeout%3D2000",
                    "--targetDB", dst, "--publicationName", "pub", "--slotName", "cdc_sink_src",
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "netfault-pglogical", flags)) {
                faults("pglogical", p, () -> source.dataSource("src").getConnection(),
                        () -> target.dataSource(dst).getConnection(), toSource, toTarget);
            }
        }
    }

    @Test
    void mylogical() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        EmbeddedPg target = EmbeddedPg.shared();
        try (FaultProxy toSource = FaultProxy.to(maria.port()); FaultProxy toTarget = FaultProxy.to(target.port())) {
            String src = maria.newDatabase("netfault_src");
            maria.execute(src, DDL);
            String gtid = maria.gtidBinlogPos();
            try (Connection c = maria.connect(src); Statement s = c.createStatement()) {
                s.execute("INSERT INTO acct SELECT seq, 1000, 'start' FROM seq_1_to_" + ACCOUNTS);
            }
            String dst = target.freshDatabase("netfault_my");
            target.exec(dst, DDL);
            List<String> flags = List.of(
                    "--sourceConn", "mysql://root:@127.0.0.1:" + toSource.port() + "/?sslmode=disable",
                    "--targetConn", "postgresql://postgres@localhost:" + toTarget.port()
                            + "/postgres?sslmode=disable&socketTimeout=3&options=-c%20statement_timeout%3D2000",
                    "--targetDB", dst, "--sourceDatabase", src, "--defaultGTIDSet", gtid,
                    "--standbyTimeout", "500ms", "--retryDelay", "250ms", "--targetDBConns", "4");
            try (CdcSinkProcess p = CdcSinkProcess.logical("mylogical", "netfault-mylogical", flags)) {
                faults("mylogical", p, () -> maria.connect(src), () -> target.dataSource(dst).getConnection(),
                        toSource, toTarget);
            }
        }
    }

    private void faults(String name, CdcSinkProcess p, Callable<Connection> source, Callable<Connection> target,
                        FaultProxy toSource, FaultProxy toTarget) throws Exception {
        List<String> figures = new ArrayList<>();
        try {
            int round = 0;
            awaitSame(source, target);
            for (String side : List.of("source", "target")) {
                FaultProxy proxy = side.equals("source") ? toSource : toTarget;
                List<Fault> faults = List.of(
                        new Fault("latency 200 ms", f -> {
                            f.delay(200);
                            return null;
                        }),
                        new Fault("blackhole", f -> {
                            f.blackhole();
                            return null;
                        }),
                        new Fault("reset", f -> {
                            f.resetAll();
                            return null;
                        }),
                        new Fault("half-open", f -> {
                            f.halfOpen();
                            return null;
                        }));
                for (Fault fault : faults) {
                    // The default suite puts every fault on the source side and the blackhole on the target side;
                    // -Dnightly=true puts every fault on both.
                    if (side.equals("target") && !fault.name().equals("blackhole") && !Boolean.getBoolean("nightly")) {
                        continue;
                    }
                    fault.inject().apply(proxy);
                    long began = System.nanoTime();
                    transfers(source, round++);
                    // A silent network must be noticed; a reset is over at once, a latency spike is no outage.
                    boolean silent = fault.name().equals("blackhole") || fault.name().equals("half-open");
                    double noticed = silent ? awaitHealth(p, 503, Duration.ofSeconds(60)) : -1;
                    if (silent) {
                        assertThat(noticed).as(name + " " + side + " " + fault.name() + " noticed").isPositive();
                    } else {
                        Thread.sleep(1000);
                    }
                    proxy.pass();
                    long lifted = System.nanoTime();
                    transfers(source, round++);
                    int rows = awaitSame(source, target);
                    figures.add(String.format("%s %s %s: healthz 503 after %s; lifted after %.1f s, target equal"
                                    + " to the source %.1f s later (%d rows)", name, side, fault.name(),
                            noticed < 0 ? "-" : String.format("%.1f s", noticed), (lifted - began) / 1e9,
                            (System.nanoTime() - lifted) / 1e9, rows));
                }
            }
            try (Connection c = target.call(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sum(bal), count(*) FROM acct")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000L * ACCOUNTS);
                assertThat(rs.getInt(2)).isEqualTo(ACCOUNTS);
            }
            assertThat(p.isAlive()).isTrue();
            figures.add(String.format("%s: %d retries logged, total unchanged", name,
                    p.logText().lines().filter(l -> l.contains("retrying in")).count()));
        } finally {
            figures.forEach(f -> System.out.println("NETFAULT " + f));
        }
    }

    private record Fault(String name, Function<FaultProxy, Void> inject) {
    }

    /** Seconds until {@code /_/healthz} answers {@code status}, or -1 when it did not within {@code max}. */
    private double awaitHealth(CdcSinkProcess p, int status, Duration max) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < max.toNanos()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(p.uri("/_/healthz"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == status) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(200);
        }
        return -1;
    }

    /** 20 transactions moving money between accounts, each committed: the total stays the same. */
    private static void transfers(Callable<Connection> source, int round) throws Exception {
        try (Connection c = source.call(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 20; i++) {
                int from = 1 + (i * 7 + round * 13) % ACCOUNTS;
                int to = 1 + (i * 11 + round * 17 + 1) % ACCOUNTS;
                s.execute("UPDATE acct SET bal = bal - 5, note = 'r" + round + "' WHERE k = " + from);
                s.execute("UPDATE acct SET bal = bal + 5 WHERE k = " + to);
                c.commit();
            }
        }
    }

    /** Waits until both sides hold the same rows (compared as text, column by column); returns how many. */
    private static int awaitSame(Callable<Connection> source, Callable<Connection> target) throws Exception {
        String query = "SELECT k, bal, note FROM acct ORDER BY k";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<List<String>> want;
            List<List<String>> got;
            try (Connection s = source.call(); Connection t = target.call()) {
                want = TableDiff.rows(s, query);
                got = TableDiff.rows(t, query);
            }
            if (want.equals(got)) {
                return want.size();
            }
            assertThat(System.nanoTime()).as("target equals source").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
