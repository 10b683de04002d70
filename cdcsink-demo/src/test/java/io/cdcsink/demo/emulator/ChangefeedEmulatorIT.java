package io.cdcsink.demo.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.Hlc;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.webhook.WebhookConfig;
import io.cdcsink.webhook.WebhookServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator through the real webhook server, staging and resolver into an embedded PostgreSQL target. */
class ChangefeedEmulatorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String db;
    private Replicator replicator;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        db = pg.freshDatabase("emulator");
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
        }
        replicator = Replicator.builder().target(TargetConfig.of(pg.connectionString()).withMaxPoolSize(8))
                .source("webhook", WebhookConfig.of("127.0.0.1:0").toOptions()).disableAuthentication().start();
        base = URI.create("http://127.0.0.1:" + replicator.source(WebhookServer.class).port());
    }

    @AfterEach
    void stop() {
        replicator.close();
    }

    @Test
    void severalShuffledNodesWithDuplicatesLeaveTheTargetEqualToTheSource() throws Exception {
        List<SourceTransaction> txs = Transactions.random(21, 400, 60);
        EmulatorConfig config = EmulatorConfig.to("/" + db + "/public").withNodes(3).withShuffle(true)
                .withDuplicateProbability(0.3).withSenders(4).withBatchSize(7)
                .withResolvedInterval(Duration.ofMillis(20)).withSeed(21);
        EmulatorStats stats;
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(base, config)) {
            stats = emulator.deliver(txs, Duration.ofSeconds(60));
        }
        assertThat(stats.duplicateBatches()).isPositive();
        Hlc last = txs.get(txs.size() - 1).commit();
        awaitApplied(last);
        Map<Integer, String> expected = new TreeMap<>();
        Transactions.endState(txs).forEach((k, after) -> expected.put(k, normalized(after)));
        assertThat(target()).isEqualTo(expected);
    }

    @Test
    void aMutationWithoutItsKeyColumnFailsTheEmulatorWith400() throws Exception {
        EmulatorConfig config = EmulatorConfig.to("/" + db + "/public");
        try (ChangefeedEmulator emulator = new ChangefeedEmulator(base, config)) {
            // Bad input; a table or column the target lacks would be a 503, which a changefeed retries.
            SourceTransaction tx = new SourceTransaction(new Hlc(10, 0),
                    List.of(RowChange.upsert("t", "[1]", "{\"v\":\"x\"}")));
            assertThatThrownBy(() -> emulator.deliver(List.of(tx), Duration.ofSeconds(30)))
                    .isInstanceOf(EmulatorException.class).hasMessageContaining("refused with 400");
        }
    }

    private void awaitApplied(Hlc resolved) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = pg.dataSource(db).getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT nanos, logical FROM _cdc_sink.timestamps WHERE target_schema = ?")) {
                s.setString(1, "public");
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && new Hlc(rs.getLong(1), rs.getInt(2)).compareTo(resolved) >= 0) {
                        return;
                    }
                }
            }
            assertThat(System.nanoTime()).as("resolved %s applied", resolved).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String normalized(String json) {
        try {
            return JSON.readTree(json).toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<Integer, String> target() throws Exception {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, json_build_object('k', k, 'v', v)::text FROM t")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), JSON.readTree(rs.getString(2)).toString());
            }
        }
        return rows;
    }
}
