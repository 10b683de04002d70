package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.engine.Resolver;
import io.cdcsink.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resolved-timestamp tables as the resolver uses them, inside its transactions. */
class SqlResolvedTimestampsIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    private TestDatabase db;
    private SqlResolvedTimestamps timestamps;
    private SqlCheckpoints checkpoints;
    private SchemaName app;
    private SchemaName other;

    @BeforeEach
    void setUp() throws SQLException {
        db = database("timestamps");
        db.createSchema("app");
        db.createSchema("other");
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema));
        timestamps = new SqlResolvedTimestamps(db.pools, area);
        checkpoints = new SqlCheckpoints(db.pools, area, timestamps, Resolver.NONE);
        app = db.schema("app");
        other = db.schema("other");
    }

    private static Connection begin(Connection conn) throws SQLException {
        conn.setAutoCommit(false);
        return conn;
    }

    @Test
    void aClaimHoldsTheSchemaUntilItsTransactionEnds() throws SQLException {
        checkpoints.mark(app, new Hlc(100, 0));
        checkpoints.mark(other, new Hlc(5, 0));
        try (Connection first = begin(db.connect()); Connection second = begin(db.connect())) {
            assertThat(timestamps.claimOldest(first, app).oldest()).contains(new Hlc(100, 0));
            assertThat(timestamps.claimOldest(second, app).blocked()).isTrue();
            assertThat(timestamps.claimOldest(second, other).oldest()).as("schemas are claimed one by one")
                    .contains(new Hlc(5, 0));
            second.rollback();

            timestamps.recordApplied(first, app, new Hlc(100, 0));
            first.commit();
            assertThat(timestamps.claimOldest(second, app)).as("applied: nothing left, and nobody holds it")
                    .isEqualTo(new ResolvedTimestamps.Claim(false, Optional.empty()));
            assertThat(timestamps.lastApplied(second, app)).contains(new Hlc(100, 0));
            second.rollback();
        }
    }

    @Test
    void theNextPendingWindowIsTheOldestUnappliedOneAfterAGivenTime() throws SQLException {
        for (long t : new long[] {100, 200, 300}) {
            checkpoints.mark(app, new Hlc(t, 0));
        }
        try (Connection conn = db.connect()) {
            assertThat(timestamps.nextPending(conn, app, new Hlc(100, 0))).contains(new Hlc(200, 0));
            assertThat(timestamps.nextPending(conn, app, new Hlc(300, 0))).isEmpty();
            assertThat(timestamps.nextPending(conn, other, new Hlc(0, 0))).isEmpty();
            timestamps.recordApplied(conn, app, new Hlc(200, 0));
            assertThat(timestamps.nextPending(conn, app, new Hlc(100, 0))).contains(new Hlc(300, 0));
        }
    }

    @Test
    void schemasWithPendingWorkAreFoundOnlyWhereTimestampsWait() throws SQLException {
        TestDatabase empty = database("timestamps_none");
        assertThat(new SqlResolvedTimestamps(empty.pools, new SqlMetadataSchema(empty.pools,
                new MetadataConfig(empty.metadataSchema))).schemasWithPendingWork(empty.name))
                .as("no metadata schema").isEmpty();

        timestamps.prepare(db.name);
        assertThat(timestamps.schemasWithPendingWork(db.name)).isEmpty();
        checkpoints.mark(app, new Hlc(100, 0));
        assertThat(timestamps.schemasWithPendingWork(db.name)).containsExactly(app);
        try (Connection conn = db.connect()) {
            timestamps.recordApplied(conn, app, new Hlc(100, 0));
        }
        assertThat(timestamps.schemasWithPendingWork(db.name)).isEmpty();
    }

    /**
     * Instances racing for one schema's windows, as resolvers do: each window is applied by exactly one of them, in
     * order, because a claim holds the schema until its transaction ends and the others back off.
     */
    @Test
    void racingInstancesApplyEachWindowExactlyOnceAndInOrder() throws Exception {
        int windows = 30;
        for (int t = 1; t <= windows; t++) {
            checkpoints.mark(app, new Hlc(t * 10L, 0));
        }
        java.util.List<Hlc> applied = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                done.add(pool.submit(() -> {
                    while (true) {
                        try (Connection tx = begin(db.connect())) {
                            ResolvedTimestamps.Claim claim = timestamps.claimOldest(tx, app);
                            if (claim.blocked()) {
                                blocked.incrementAndGet();
                                tx.rollback();
                                Thread.sleep(1);
                                continue;
                            }
                            if (claim.oldest().isEmpty()) {
                                tx.rollback();
                                return null;
                            }
                            Thread.sleep(2); // applying the window, while the others try
                            timestamps.recordApplied(tx, app, claim.oldest().get());
                            tx.commit();
                            applied.add(claim.oldest().get());
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        java.util.List<Hlc> expected = new java.util.ArrayList<>();
        for (int t = 1; t <= windows; t++) {
            expected.add(new Hlc(t * 10L, 0));
        }
        assertThat(applied).as("each window once, in order").containsExactlyElementsOf(expected);
        assertThat(blocked.get()).as("the instances did meet").isPositive();
        try (Connection conn = db.connect()) {
            assertThat(timestamps.lastApplied(conn, app)).contains(new Hlc(windows * 10L, 0));
        }
    }
}
