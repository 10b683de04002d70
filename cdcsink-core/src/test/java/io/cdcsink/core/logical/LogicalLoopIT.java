package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.TableName;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.ScriptedDialect.Op;
import io.cdcsink.testing.EmbeddedPg;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared logical-replication loop against a real target, driven by a scripted source. */
class LogicalLoopIT {
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String db;
    private final List<TableName> tables = new ArrayList<>();

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = pg.freshDatabase("loop");
        tables.clear();
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            for (String t : List.of("t1", "t2", "t3", "t4")) {
                s.execute("CREATE TABLE " + t + " (k INT PRIMARY KEY, v TEXT)");
                tables.add(new TableName(db, "public", t));
            }
        }
    }

    /** Transaction i writes key i into all four tables (the original's generator scenario). */
    private IntFunction<List<Op>> fourTables() {
        return i -> tables.stream().<Op>map(t -> new Op.Upsert(t, "[" + i + "]",
                "{\"k\":" + i + ",\"v\":\"v" + i + "\"}")).toList();
    }

    private static Instant now(int i) {
        return Instant.now();
    }

    private LogicalConfig config() {
        return LogicalConfig.defaults("test", db).withRetryDelay(Duration.ofMillis(50))
                .withStandbyTimeout(Duration.ofMillis(200)).withFanShards(4);
    }

    private Replicator start(ScriptedDialect dialect, LogicalConfig config, PrometheusRegistry registry)
            throws Exception {
        return start(dialect, config, registry, Optional.empty());
    }

    private Replicator start(ScriptedDialect dialect, LogicalConfig config, PrometheusRegistry registry,
                             Optional<String> metricsAddr) throws Exception {
        // The smallest pool fan mode accepts: the shards hold one connection each while they have rows.
        return start(dialect, config, registry, metricsAddr, config.fanShards() + 1);
    }

    private Replicator start(ScriptedDialect dialect, LogicalConfig config, PrometheusRegistry registry,
                             Optional<String> metricsAddr, int poolSize) throws Exception {
        Replicator.Builder b = Replicator.builder()
                .target(TargetConfig.of(pg.connectionString()).withMaxPoolSize(poolSize))
                .registry(registry).disableAuthentication().withoutStaging()
                .source(new DialectProvider("scripted", dialect), config.toOptions());
        metricsAddr.ifPresent(b::metricsAddress);
        return b.start();
    }

    @Test
    void fanModeRefusesAPoolNoLargerThanItsShards() throws Exception {
        for (LogicalConfig fans : List.of(config().withImmediate(true),
                config().withBackfillWindow(Duration.ofMinutes(1)))) {
            ScriptedDialect dialect = new ScriptedDialect(10, fourTables(), LogicalLoopIT::now, 0, 3);
            assertThatThrownBy(() -> start(dialect, fans, new PrometheusRegistry(), Optional.empty(), 4).close())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--targetDBConns (4) must be greater than --fanShards (4)");
        }
        // Consistent mode never fans out: the shard count does not matter to it.
        ScriptedDialect dialect = new ScriptedDialect(10, fourTables(), LogicalLoopIT::now, 0, 3);
        try (Replicator r = start(dialect, config(), new PrometheusRegistry(), Optional.empty(), 2)) {
            awaitPosition(r, "10");
        }
    }

    @Test
    void consistentModeRefusesAPoolOfOne() {
        // With one connection the loop's open transaction holds it while the first batch of a table waits for a
        // second to read the table's description: every attempt timed out and the loop retried forever.
        ScriptedDialect dialect = new ScriptedDialect(10, fourTables(), LogicalLoopIT::now, 0, 3);
        assertThatThrownBy(() -> start(dialect, config(), new PrometheusRegistry(), Optional.empty(), 1).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--targetDBConns (1) must be at least 2");
    }

    @Test
    void aReaderThatFailsInTheMiddleOfATransactionIsReportedAndRetriedAfterTheDelay() throws Exception {
        // Every attempt fails in the middle of the first transaction, after the dialect abandoned it: the failure
        // is the attempt's, not a quiet restart at once (which spun without a word).
        ScriptedDialect dialect = new ScriptedDialect(10, fourTables(), LogicalLoopIT::now, 1.0, 5);
        LogicalConfig config = config().withRetryDelay(Duration.ofMillis(300));
        try (Replicator r = start(dialect, config, new PrometheusRegistry(), Optional.of("127.0.0.1:0"))) {
            Thread.sleep(1_500);
            assertThat(r.source(LogicalLoop.class).problem()).hasValueSatisfying(p -> assertThat(p)
                    .contains("chaos"));
            assertThat(dialect.streams.get()).as("attempts in 1.5 s with a 300 ms delay, growing").isBetween(1, 6);
            // The metrics server's health check reports the loop's problem.
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + r.metricsPort() + "/_/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).startsWith("replication loop test failed: ").contains("chaos");
        }
    }

    @Test
    void consistentModeDeliversEveryTransactionDespiteChaos() throws Exception {
        ScriptedDialect dialect = new ScriptedDialect(300, fourTables(), LogicalLoopIT::now, 0.01, 42);
        try (Replicator r = start(dialect, config(), new PrometheusRegistry(), Optional.of("127.0.0.1:0"))) {
            awaitPosition(r, "300");
            for (TableName t : tables) {
                assertThat(count(t.table())).isEqualTo(300);
            }
            assertStatusOverHttp(r);
        }
        assertThat(dialect.failures.get()).as("chaos struck").isGreaterThan(3);
        assertThat(storedPosition()).isEqualTo("300");
    }

    @Test
    void immediateModeDeliversEveryTransactionDespiteChaos() throws Exception {
        ScriptedDialect dialect = new ScriptedDialect(300, fourTables(), LogicalLoopIT::now, 0.01, 7);
        try (Replicator r = start(dialect, config().withImmediate(true), new PrometheusRegistry())) {
            awaitPosition(r, "300");
            for (TableName t : tables) {
                assertThat(count(t.table())).isEqualTo(300);
            }
        }
        assertThat(dialect.failures.get()).isGreaterThan(3);
    }

    @Test
    void sixteenShardsTakeTheirFirstConnectionsTogetherFromTheSmallestPool() throws Exception {
        // The spec's default --fanShards, every shard asking for its first connection in the same moment, from a pool
        // that holds one and must grow: HikariCP could leave one waiter without a new connection (the steady-state
        // benchmark saw "total=15, active=15" of 32 after 10 s), and a shard keeps its connection while it has rows,
        // so none came back for it before the pool's timeout failed the shard and the loop restarted 10 s later.
        for (int attempt = 0; attempt < 3; attempt++) {
            freshDatabase();
            ScriptedDialect dialect = new ScriptedDialect(200, fourTables(), LogicalLoopIT::now, 0, attempt);
            PrometheusRegistry registry = new PrometheusRegistry();
            try (Replicator r = start(dialect, config().withImmediate(true).withFanShards(16), registry)) {
                awaitPosition(r, "200");
            }
            assertThat(counter(registry, "logical_retries")).as("loop restarts in attempt %d", attempt).isZero();
            for (TableName t : tables) {
                assertThat(count(t.table())).isEqualTo(200);
            }
        }
    }

    @Test
    void immediateModeKeepsPerKeyOrderAcrossShards() throws Exception {
        // Every transaction rewrites the same 10 keys; the last writer must win on every key.
        TableName t1 = tables.get(0);
        ScriptedDialect dialect = new ScriptedDialect(500, i -> {
            List<Op> ops = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                ops.add(new Op.Upsert(t1, "[" + k + "]", "{\"k\":" + k + ",\"v\":\"" + i + "\"}"));
            }
            if (i % 7 == 3) {
                ops.add(new Op.Delete(t1, "[" + (i % 10) + "]"));
            }
            return ops;
        }, LogicalLoopIT::now, 0, 1);
        try (Replicator r = start(dialect, config().withImmediate(true), new PrometheusRegistry())) {
            awaitPosition(r, "500");
        }
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), min(v), max(v) FROM t1")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(10);
            assertThat(rs.getString(2)).isEqualTo("499");
            assertThat(rs.getString(3)).isEqualTo("499");
        }
    }

    @Test
    void consistentModeNeverShowsHalfATransaction() throws Exception {
        // Each transaction moves one unit between two accounts in different tables: the total stays 0.
        TableName a = tables.get(0);
        TableName b = tables.get(1);
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t1 VALUES (1, '0')");
            s.execute("INSERT INTO t2 VALUES (1, '0')");
        }
        ScriptedDialect dialect = new ScriptedDialect(2000, i -> List.of(
                new Op.Upsert(a, "[1]", "{\"k\":1,\"v\":\"" + (-(i + 1)) + "\"}"),
                new Op.Upsert(b, "[1]", "{\"k\":1,\"v\":\"" + (i + 1) + "\"}")), LogicalLoopIT::now, 0.002, 3);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> violation = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
                while (!done.get()) {
                    try (ResultSet rs = s.executeQuery(
                            "SELECT (SELECT v::int FROM t1 WHERE k = 1) + (SELECT v::int FROM t2 WHERE k = 1)")) {
                        rs.next();
                        if (rs.getInt(1) != 0) {
                            violation.set("sum " + rs.getInt(1) + " at read " + reads.get());
                        }
                        reads.incrementAndGet();
                    }
                }
            } catch (SQLException e) {
                violation.set(e.toString());
            }
        });
        reader.start();
        try (Replicator r = start(dialect, config(), new PrometheusRegistry())) {
            awaitPosition(r, "2000");
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(violation.get()).isNull();
        assertThat(reads.get()).isGreaterThan(50);
        assertThat(count("t2")).isEqualTo(1);
    }

    @Test
    void consistentModeGroupsATrickleOfSmallTransactions() throws Exception {
        // One-row source transactions every 1 ms: a loop that keeps up finds the queue empty after each commit.
        // Each target transaction writes its id into tx_log, so the distinct ids count target transactions.
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tx_log (id xid8)");
            s.execute("CREATE FUNCTION log_tx() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$BEGIN INSERT INTO tx_log VALUES (pg_current_xact_id()); RETURN NULL; END$$");
            s.execute("CREATE TRIGGER log_tx AFTER INSERT ON t1 FOR EACH ROW EXECUTE FUNCTION log_tx()");
        }
        TableName t1 = tables.get(0);
        int transactions = 400;
        ScriptedDialect dialect = new ScriptedDialect(transactions, i -> {
            LockSupport.parkNanos(1_000_000);
            return List.of(new Op.Upsert(t1, "[" + i + "]", "{\"k\":" + i + ",\"v\":\"v\"}"));
        }, LogicalLoopIT::now, 0, 5);
        try (Replicator r = start(dialect, config(), new PrometheusRegistry())) {
            awaitPosition(r, String.valueOf(transactions));
        }
        assertThat(count("t1")).isEqualTo(transactions);
        long targetTransactions;
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT id) FROM tx_log")) {
            rs.next();
            targetTransactions = rs.getLong(1);
        }
        // Grouped into windows of up to 100 ms; a stall of the scripted reader longer than the 2 ms group wait
        // ends a window early, so only a bound is certain.
        assertThat(targetTransactions).as("target transactions for %d source transactions", transactions)
                .isLessThan(transactions / 10);
    }

    @Test
    void aHugeTransactionFitsASmallBudget() throws Exception {
        TableName t1 = tables.get(0);
        int rows = 30_000;
        String pad = "x".repeat(100);
        ScriptedDialect dialect = new ScriptedDialect(1, i -> {
            List<Op> ops = new ArrayList<>(rows);
            for (int k = 0; k < rows; k++) {
                ops.add(new Op.Upsert(t1, "[" + k + "]", "{\"k\":" + k + ",\"v\":\"" + pad + "\"}"));
            }
            return ops;
        }, LogicalLoopIT::now, 0, 1);
        PrometheusRegistry registry = new PrometheusRegistry();
        try (Replicator r = start(dialect, config().withBytesInFlight(64 * 1024), registry)) {
            awaitPosition(r, "1");
        }
        assertThat(count("t1")).isEqualTo(rows);
        assertThat(counter(registry, "logical_backpressure_waits")).as("the reader had to wait").isPositive();
    }

    @Test
    void truncateAndDeletesApplyInOrder() throws Exception {
        TableName t1 = tables.get(0);
        ScriptedDialect dialect = new ScriptedDialect(4, i -> switch (i) {
            case 0 -> List.of(new Op.Upsert(t1, "[1]", "{\"k\":1,\"v\":\"a\"}"),
                    new Op.Upsert(t1, "[2]", "{\"k\":2,\"v\":\"b\"}"));
            case 1 -> List.of(new Op.Upsert(t1, "[3]", "{\"k\":3,\"v\":\"c\"}"), new Op.Truncate(t1),
                    new Op.Upsert(t1, "[4]", "{\"k\":4,\"v\":\"d\"}"));
            case 2 -> List.of(new Op.Upsert(t1, "[5]", "{\"k\":5,\"v\":\"e\"}"));
            default -> List.of(new Op.Delete(t1, "[5]"));
        }, LogicalLoopIT::now, 0, 1);
        for (boolean immediate : new boolean[] {false, true}) {
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
                s.execute("TRUNCATE t1");
                s.execute("DELETE FROM _cdc_sink.logical_positions");
            } catch (SQLException first) {
                // the staging schema appears with the first replicator
            }
            try (Replicator r = start(dialect, config().withImmediate(immediate), new PrometheusRegistry())) {
                awaitPosition(r, "4");
            }
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT string_agg(k::text, ',' ORDER BY k) FROM t1")) {
                rs.next();
                assertThat(rs.getString(1)).as("immediate=" + immediate).isEqualTo("4");
            }
        }
    }

    @Test
    void backfillFansOutUntilCaughtUpThenSwitchesToConsistentMode() throws Exception {
        Instant old = Instant.now().minus(Duration.ofHours(2));
        int total = 400;
        ScriptedDialect dialect = new ScriptedDialect(total, fourTables(),
                i -> i < 300 ? old.plusMillis(i) : Instant.now(), 0, 1);
        PrometheusRegistry registry = new PrometheusRegistry();
        AtomicBoolean sawBackfill = new AtomicBoolean();
        try (Replicator r = start(dialect, config().withBackfillWindow(Duration.ofMinutes(10)), registry)) {
            LogicalLoop loop = r.source(LogicalLoop.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!loop.durablePosition().map(p -> p.text().equals(String.valueOf(total))).orElse(false)) {
                sawBackfill.compareAndSet(false, loop.backfilling());
                assertThat(System.nanoTime()).as("caught up in time").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(loop.backfilling()).isFalse();
        }
        assertThat(dialect.streams.get()).as("restarted once to switch modes").isGreaterThanOrEqualTo(2);
        for (TableName t : tables) {
            assertThat(count(t.table())).isEqualTo(total);
        }
    }

    @Test
    void aRestartResumesFromTheStoredPosition() throws Exception {
        ScriptedDialect first = new ScriptedDialect(100, fourTables(), LogicalLoopIT::now, 0, 1);
        try (Replicator r = start(first, config(), new PrometheusRegistry())) {
            awaitPosition(r, "100");
        }
        ScriptedDialect second = new ScriptedDialect(200, fourTables(), LogicalLoopIT::now, 0, 1);
        AtomicReference<Optional<LogicalPosition>> from = new AtomicReference<>();
        try (Replicator r = start(second, config(), new PrometheusRegistry())) {
            awaitPosition(r, "200");
            from.set(Optional.of(r.source(LogicalLoop.class).durablePosition().orElseThrow()));
        }
        assertThat(from.get()).isPresent();
        for (TableName t : tables) {
            assertThat(count(t.table())).isEqualTo(200);
        }
    }

    /** The metrics server's /_/status shows the loop at its position and every row committed into each table. */
    private void assertStatusOverHttp(Replicator r) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!r.status().snapshot().loops().stream().anyMatch(l -> l.position().equals(Optional.of("300")))) {
            assertThat(System.nanoTime()).as("status shows position 300").isLessThan(deadline);
            Thread.sleep(10);
        }
        int port = r.metricsPort();
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/_/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode status = new ObjectMapper().readTree(res.body());
        JsonNode loop = status.get("loops").get(0);
        assertThat(loop.get("loop").asText()).isEqualTo("test");
        assertThat(loop.get("mode").asText()).isEqualTo("consistent");
        assertThat(loop.get("position").asText()).isEqualTo("300");
        assertThat(loop.get("rowsApplied").asLong()).isEqualTo(1200);
        assertThat(status.get("tables")).hasSize(4);
        for (JsonNode t : status.get("tables")) {
            assertThat(t.get("upserts").asLong()).as(t.get("table").asText()).isEqualTo(300);
            assertThat(t.get("mode").asText()).isEqualTo("consistent");
        }
        assertThat(status.get("rowsApplied").asLong()).isEqualTo(1200);
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/_/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"lag-chart\"");
    }

    private void awaitPosition(Replicator r, String text) throws InterruptedException {
        LogicalLoop loop = r.source(LogicalLoop.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!loop.durablePosition().map(p -> p.text().equals(text)).orElse(false)) {
            assertThat(System.nanoTime()).as("reached position " + text + ", at "
                    + loop.durablePosition()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private String storedPosition() throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT position FROM _cdc_sink.logical_positions WHERE loop_name = 'test'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private long count(String table) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double counter(PrometheusRegistry registry, String name) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m.getMetadata().getName().equals(name) && m instanceof CounterSnapshot c) {
                return c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                        .sum();
            }
        }
        return 0;
    }
}
