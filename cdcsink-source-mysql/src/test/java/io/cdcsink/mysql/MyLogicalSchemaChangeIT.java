package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.api.TableName;
import io.cdcsink.core.status.StatusSnapshot.BlockedView;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source DDL through {@code mylogical} (a DDL {@code QUERY} event, then TABLE_MAP events with other columns), in
 * consistent and immediate mode: by default the rows that need what the target lacks wait while the loop reports the
 * DDL to run and resume once it ran; with {@code --schemaEvolution additive} the target gets the columns and tables
 * first, with the types docs/types.md maps, and a dropped column stays. The source is the oracle of each comparison.
 */
class MyLogicalSchemaChangeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(300);

    private final EmbeddedMariaDb source = EmbeddedMariaDb.shared();
    private final EmbeddedPg target = EmbeddedPg.shared();
    private String sourceDb;
    private String targetDb;
    private Replicator replicator;

    @BeforeEach
    void databases() throws SQLException {
        sourceDb = source.newDatabase("evolve");
        targetDb = target.freshDatabase("evolve");
        source.execute(sourceDb, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
        target.exec(targetDb, "CREATE TABLE t (id integer PRIMARY KEY, v text)");
    }

    @AfterEach
    void stop() {
        if (replicator != null) {
            replicator.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anAddedColumnWaitsForTheReportedDdlThenNothingIsLost(boolean immediate) throws Exception {
        source.execute(sourceDb, "INSERT INTO t VALUES (1, 'a')");
        start(immediate, SchemaEvolution.NONE);
        awaitApplied();
        tx("INSERT INTO t VALUES (2, 'b')");
        tx("ALTER TABLE t ADD COLUMN c2 BIGINT UNSIGNED");
        tx("INSERT INTO t VALUES (3, 'c', 18446744073709551615)", "UPDATE t SET c2 = 7 WHERE id = 1");
        String ddl = "ALTER TABLE \"public\".\"t\" ADD COLUMN \"c2\" numeric(20,0)";
        Blockage b = awaitBlocked(ddl);
        assertThat(b.table()).contains(new TableName(targetDb, "public", "t"));
        assertThat(b.reason()).isEqualTo("table " + targetDb + ".public.t: the source has column c2 that the target"
                + " lacks");
        assertThat(b.fix()).contains(ddl);
        assertThat(rows(targetQuery("SELECT count(*) FROM t WHERE id = 3"))).containsExactly(List.of("0"));

        target.exec(targetDb, ddl);
        awaitApplied();
        assertSame("SELECT id, v, c2 FROM t ORDER BY id", 3);
        TestDatabase.await(WAIT, () -> replicator.status().blocked().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aNewTableWaitsForTheReportedCreateTable(boolean immediate) throws Exception {
        start(immediate, SchemaEvolution.NONE);
        awaitApplied();
        tx("CREATE TABLE n (k VARCHAR(10), id BIGINT PRIMARY KEY, d DECIMAL(10,2))");
        tx("INSERT INTO n VALUES ('x', 1, 1.25)", "INSERT INTO t VALUES (1, 'a')");
        String ddl = "CREATE TABLE \"public\".\"n\" (\"k\" text, \"id\" bigint, \"d\" numeric(10,2),"
                + " PRIMARY KEY (\"id\"))";
        assertThat(awaitBlocked(ddl).reason()).isEqualTo("table " + targetDb + ".public.n does not exist on the target");
        target.exec(targetDb, ddl);
        awaitApplied();
        assertSame("SELECT id, k, d FROM n ORDER BY id", 1);
        assertSame("SELECT id, v FROM t ORDER BY id", 1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void additiveCreatesColumnsAndTablesAndLeavesDroppedColumns(boolean immediate) throws Exception {
        source.execute(sourceDb, "INSERT INTO t VALUES (1, 'a')");
        start(immediate, SchemaEvolution.ADDITIVE);
        awaitApplied();
        tx("ALTER TABLE t ADD COLUMN d DECIMAL(10,2), ADD COLUMN at DATETIME(3)");
        tx("INSERT INTO t VALUES (2, 'b', 1.25, '2024-02-29 23:59:59.123')", "UPDATE t SET d = 2.5 WHERE id = 1");
        tx("CREATE TABLE n (id BIGINT PRIMARY KEY, flag TINYINT, blob_ VARBINARY(4))");
        tx("INSERT INTO n VALUES (1, 1, X'00FF')");
        awaitApplied();
        assertSame("SELECT id, v, d FROM t ORDER BY id", 2);
        assertSame("SELECT id, flag, HEX(blob_) FROM n ORDER BY id", 1);
        assertThat(rows(targetQuery(types("t")))).containsExactly(List.of("id", "integer"), List.of("v", "text"),
                List.of("d", "numeric(10,2)"), List.of("at", "timestamp(3) without time zone"));
        assertThat(rows(targetQuery(types("n")))).containsExactly(List.of("id", "bigint"),
                List.of("flag", "smallint"), List.of("blob_", "bytea"));

        // Dropped on the source: left in the target (nullable), and rows without it apply.
        tx("ALTER TABLE t DROP COLUMN at");
        tx("INSERT INTO t VALUES (3, 'c', 3.75)", "UPDATE t SET v = 'bb' WHERE id = 2");
        awaitApplied();
        assertSame("SELECT id, v, d FROM t ORDER BY id", 3);
        assertThat(rows(targetQuery("SELECT id, at::text FROM t ORDER BY id"))).containsExactly(
                java.util.Arrays.asList("1", null), List.of("2", "2024-02-29 23:59:59.123"),
                java.util.Arrays.asList("3", null));
    }

    private static String types(String table) {
        return "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + table
                + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
    }

    private void start(boolean immediate, SchemaEvolution evolution) throws Exception {
        MyLogicalConfig config = new MyLogicalConfig(MySqlConn.parse(source.sourceConn()),
                Optional.of(source.gtidBinlogPos()), targetDb, "public", Set.of(sourceDb),
                SERVER_IDS.incrementAndGet());
        LogicalConfig loop = LogicalConfig.defaults("evolve", targetDb).withImmediate(immediate).withFanShards(4)
                .withRetryDelay(Duration.ofMillis(200)).withStandbyTimeout(Duration.ofMillis(200))
                .withSchemaEvolution(evolution);
        Map<String, String> options = new HashMap<>(config.toOptions());
        options.putAll(loop.toOptions());
        replicator = Replicator.builder().target(TargetConfig.of(target.connectionString()).withMaxPoolSize(6))
                .registry(new PrometheusRegistry()).disableAuthentication().withoutStaging()
                .source(MyLogicalSourceProvider.NAME, options).start();
    }

    /** Runs the statements in one source transaction (DDL commits by itself in MariaDB). */
    private void tx(String... statements) throws SQLException {
        try (Connection c = source.connect(sourceDb); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    private void awaitApplied() throws Exception {
        LoopWaits.awaitApplied(replicator.source(LogicalLoop.class), source, WAIT);
    }

    /** Waits until the loop waits for the operator on a schema change whose line contains {@code text}. */
    private Blockage awaitBlocked(String text) throws InterruptedException {
        TestDatabase.await(WAIT, () -> blocked(text).isPresent());
        BlockedView b = blocked(text).orElseThrow();
        assertThat(b.scope()).isEqualTo("loop evolve");
        assertThat(b.blockage().kind()).isEqualTo(Blockage.Kind.SCHEMA_CHANGE);
        return b.blockage();
    }

    private Optional<BlockedView> blocked(String text) {
        return replicator.status().blocked().stream().filter(b -> b.blockage().line().contains(text)).findFirst();
    }

    /** The query's rows on both sides, as text, are the same and there are {@code count} of them. */
    private void assertSame(String sql, int count) throws SQLException {
        List<List<String>> expected;
        try (Connection c = source.connect(sourceDb)) {
            expected = rows(c, sql);
        }
        List<List<String>> actual = rows(targetQuery(sql.replace("HEX(blob_)", "upper(encode(blob_, 'hex'))")));
        assertThat(actual).isEqualTo(expected).hasSize(count);
    }

    private TargetQuery targetQuery(String sql) {
        return new TargetQuery(sql);
    }

    private record TargetQuery(String sql) {
    }

    private List<List<String>> rows(TargetQuery query) throws SQLException {
        try (Connection c = target.dataSource(targetDb).getConnection()) {
            return TableDiff.rows(c, query.sql());
        }
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        return TableDiff.rows(c, sql);
    }
}
