package io.cdcsink.core;

import io.cdcsink.api.sql.ConnectionString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedding API as the README shows it, and a custom source found with ServiceLoader. */
class ReplicatorIT {
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String db;

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = pg.freshDatabase("embed");
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
        }
    }

    @Test
    void applicationCodeFeedsThePipelineAndResolvedTimestampsApplyIt() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()))
                .disableAuthentication().start()) {
            assertThat(r.pipeline().immediate()).isFalse();
            r.pipeline().accept(Map.of(new TableName(db, "public", "t"),
                    List.of(Mutation.upsert(new Hlc(1, 0), "[1]", "{\"id\":1,\"v\":\"x\"}"))));
            assertThat(count()).isZero();
            r.pipeline().resolved(new SchemaName(db, "public"), new Hlc(2, 0));
            awaitCount(1);
            assertThatThrownBy(() -> r.pipeline().resolved(new SchemaName(db, "public"), new Hlc(1, 5)))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("backwards");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void configurationTablesExistInTheConnectionsDatabaseRightAfterStartup(boolean immediate) throws Exception {
        String conn = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslmode=disable";
        try (Replicator r = Replicator.builder().target(TargetConfig.of(conn).withImmediate(immediate)).start()) {
            try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables"
                         + " WHERE table_schema = '_cdc_sink' AND table_name IN"
                         + " ('apply_config', 'jwt_public_keys', 'jwt_revoked_ids')")) {
                rs.next();
                assertThat(rs.getInt(1)).as("operators can insert keys and config before any request").isEqualTo(3);
            }
        }
    }

    @Test
    void immediateModeAppliesAtOnce() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()).withImmediate(true))
                .disableAuthentication().start()) {
            r.pipeline().accept(Map.of(new TableName(db, "public", "t"),
                    List.of(Mutation.upsert(new Hlc(1, 0), "[1]", "{\"id\":1,\"v\":\"x\"}"),
                            Mutation.upsert(new Hlc(1, 0), "[2]", "{\"id\":2,\"v\":\"y\"}"))));
            assertThat(count()).isEqualTo(2);
            assertThatThrownBy(() -> r.pipeline().accept(Map.of(new TableName(db, "public", "t"),
                    List.of(Mutation.upsert(new Hlc(3, 0), "[3]", "{\"id\":3,\"v\":\"z\"}"),
                            Mutation.upsert(new Hlc(3, 0), "[4]", "{\"id\":\"four\"}")))))
                    .isInstanceOf(BadInputException.class);
            assertThat(count()).as("a failed batch leaves nothing behind").isEqualTo(2);
        }
    }

    @Test
    void aBatchAcceptedImmediatelyInConsistentModeIsAppliedWithoutStaging() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()))
                .disableAuthentication().start()) {
            TableName t = new TableName(db, "public", "t");
            r.pipeline().acceptImmediately(Map.of(t, List.of(Mutation.upsert(new Hlc(1, 0), "[1]",
                    "{\"id\":1,\"v\":\"x\"}"))));
            assertThat(count()).as("applied at once, no resolved timestamp needed").isEqualTo(1);
            assertThatThrownBy(() -> r.pipeline().acceptImmediately(Map.of(t, List.of(
                    Mutation.upsert(new Hlc(3, 0), "[3]", "{\"id\":3,\"v\":\"z\"}"),
                    Mutation.upsert(new Hlc(3, 0), "[4]", "{\"id\":\"four\"}"))))).isInstanceOf(BadInputException.class);
            assertThat(count()).as("a failed batch leaves nothing behind").isEqualTo(1);
            // The staging path still works beside it.
            r.pipeline().accept(Map.of(t, List.of(Mutation.upsert(new Hlc(5, 0), "[2]", "{\"id\":2,\"v\":\"y\"}"))));
            assertThat(count()).isEqualTo(1);
            r.pipeline().resolved(new SchemaName(db, "public"), new Hlc(6, 0));
            awaitCount(2);
        }
    }

    @Test
    void unknownDatabaseIsBadInput() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()))
                .disableAuthentication().start()) {
            assertThatThrownBy(() -> r.pipeline().accept(Map.of(new TableName("no_such_db", "public", "t"),
                    List.of(Mutation.delete(new Hlc(1, 0), "[1]")))))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("no_such_db");
        }
    }

    @Test
    void customSourceRegisteredWithServiceLoaderReplicatesEndToEnd() throws Exception {
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString()))
                .disableAuthentication()
                .source(CountingSourceProvider.NAME, Map.of("database", db, "rows", "25")).start()) {
            awaitCount(25);
            assertThat(r.sources()).hasSize(1);
        }
    }

    @Test
    void concurrentBatchesShareTransactionsAndOnlyTheBadOneFailsImmediate() throws Exception {
        concurrentBatchesWithOneBad(true);
    }

    @Test
    void concurrentBatchesShareTransactionsAndOnlyTheBadOneFailsConsistent() throws Exception {
        concurrentBatchesWithOneBad(false);
    }

    /**
     * Six callers, one writer: batches queue up and share transactions ({@code GroupCommit}). One batch holds a value
     * the target refuses; in immediate mode that fails inside a shared transaction, which is then split.
     */
    private void concurrentBatchesWithOneBad(boolean immediate) throws Exception {
        int callers = 6;
        int batches = 15;
        int rows = 20;
        TableName t = new TableName(db, "public", "t");
        try (Replicator r = Replicator.builder().target(TargetConfig.of(pg.connectionString())
                .withImmediate(immediate).withWriters(1)).disableAuthentication().start()) {
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<String>> outcomes = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                for (int b = 0; b < batches; b++) {
                    int first = (c * batches + b) * rows;
                    boolean bad = c == 2 && b == 7;
                    outcomes.add(pool.submit(() -> {
                        List<Mutation> mutations = new ArrayList<>();
                        for (int id = first; id < first + rows; id++) {
                            // An INT column given a word: the target (or the value check) refuses it.
                            String idValue = bad && id == first + 5 ? "\"bad\"" : String.valueOf(id);
                            mutations.add(Mutation.upsert(new Hlc(1 + id, 0), "[" + id + "]",
                                    "{\"id\":" + idValue + ",\"v\":\"row " + id + "\"}"));
                        }
                        try {
                            r.pipeline().accept(Map.of(t, mutations));
                            return "ok";
                        } catch (BadInputException e) {
                            return "bad: " + e.getMessage();
                        }
                    }));
                }
            }
            List<String> failed = new ArrayList<>();
            for (Future<String> f : outcomes) {
                String outcome = f.get(60, TimeUnit.SECONDS);
                if (!outcome.equals("ok")) {
                    failed.add(outcome);
                }
            }
            pool.shutdown();
            assertThat(failed).as("only the bad batch fails").hasSize(1);
            assertThat(failed.get(0)).startsWith("bad: ").contains("table " + t);
            if (immediate) {
                // Refused by the target inside a transaction the batch may share: the split path.
                assertThat(failed.get(0)).contains("the target rejected the data");
            }
            long good = (long) (callers * batches - 1) * rows;
            if (!immediate) {
                r.pipeline().resolved(new SchemaName(db, "public"), new Hlc(1 + callers * batches * rows, 0));
                awaitCount(good);
            }
            assertThat(count()).as("every good batch whole, nothing of the bad one").isEqualTo(good);
        }
    }

    /**
     * A fresh database, a pool of two, and eight callers at once, as a changefeed's nodes deliver when cdc-sink starts:
     * the first batch for a database loads its apply_config and creates the staging table, each on a connection of its
     * own. Had a caller held a pooled connection while waiting for that one, every connection would have been held
     * so, and each batch would have failed when the connect timeout ran out.
     */
    @Test
    void firstBatchesOfAFreshDatabaseDoNotStarveASmallPool() throws Exception {
        int callers = 8;
        TargetConfig small = new TargetConfig(ConnectionString.parse("--conn", pg.connectionString()), 2, false,
                TargetConfig.DEFAULT_STAGING, Duration.ofSeconds(3), 2);
        TableName t = new TableName(db, "public", "t");
        try (Replicator r = Replicator.builder().target(small).disableAuthentication().start()) {
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            CyclicBarrier together = new CyclicBarrier(callers);
            List<Future<?>> outcomes = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int id = c;
                outcomes.add(pool.submit(() -> {
                    together.await();
                    r.pipeline().accept(Map.of(t, List.of(Mutation.upsert(new Hlc(1, 0), "[" + id + "]",
                            "{\"id\":" + id + ",\"v\":\"x\"}"))));
                    return null;
                }));
            }
            for (Future<?> f : outcomes) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            r.pipeline().resolved(new SchemaName(db, "public"), new Hlc(2, 0));
            awaitCount(callers);
        }
    }

    private void awaitCount(long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count() != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count()).isEqualTo(expected);
    }

    private long count() throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
