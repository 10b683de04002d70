package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.ResolvedTimestamps;
import io.cdcsink.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SqlCheckpointsIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    private TestDatabase db;
    private ResolvedTimestamps timestamps;
    private SqlCheckpoints checkpoints;
    private SchemaName schema;
    /** The schemas the checkpoints woke the resolver for, in order. */
    private final List<SchemaName> woken = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws SQLException {
        db = database("checkpoints");
        db.createSchema("app");
        db.createSchema("other");
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema));
        timestamps = new SqlResolvedTimestamps(db.pools, area);
        checkpoints = new SqlCheckpoints(db.pools, area, timestamps, woken::add);
        schema = db.schema("app");
    }

    /** What the resolver does for a window that staged nothing: claims the oldest and records it in one transaction. */
    private Optional<Hlc> applyNextWindow() throws SQLException {
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            Optional<Hlc> oldest = timestamps.claimOldest(tx, schema).oldest();
            if (oldest.isPresent()) {
                timestamps.recordApplied(tx, schema, oldest.get());
            }
            tx.commit();
            return oldest;
        }
    }

    @Test
    void markIsNewOnceThenIdempotentAndRejectsOlderTimestamps() throws SQLException {
        assertThat(checkpoints.mark(schema, new Hlc(900, 0))).isTrue();
        assertThat(checkpoints.mark(schema, new Hlc(900, 0))).isFalse();

        assertThatThrownBy(() -> checkpoints.mark(schema, new Hlc(0, 5)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("backwards")
                .hasMessageContaining(db.name + "." + db.schemaName("app"))
                .hasMessageContaining(new Hlc(900, 0).toString());
        assertThatThrownBy(() -> checkpoints.mark(schema, new Hlc(899, 7)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("backwards");
        assertThat(db.count("SELECT count(*) FROM " + db.meta("pending_timestamps"))).isEqualTo(1);
        assertThat(checkpoints.mark(schema, new Hlc(900, 1))).isTrue();
    }

    @Test
    void aSchemaTheTargetDoesNotHaveIsRefusedAndNothingIsQueued() throws SQLException {
        assertThatThrownBy(() -> checkpoints.mark(db.schema("missing'; DROP TABLE x; --"), new Hlc(900, 0)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown schema")
                .hasMessageContaining("missing'; DROP TABLE x; --");
        assertThat(db.count("SELECT count(*) FROM " + db.meta("pending_timestamps"))).isZero();
    }

    @Test
    void everyAcceptedMarkWakesTheResolverARepeatToo() {
        checkpoints.mark(schema, new Hlc(900, 0));
        checkpoints.mark(schema, new Hlc(900, 0)); // after a restart the repeat may be the first sign of work
        assertThatThrownBy(() -> checkpoints.mark(schema, new Hlc(1, 0))).isInstanceOf(BadInputException.class);
        assertThat(woken).containsExactly(schema, schema);
    }

    @Test
    void schemasAreIndependent() {
        assertThat(checkpoints.mark(schema, new Hlc(900, 0))).isTrue();
        assertThat(checkpoints.mark(db.schema("other"), new Hlc(5, 0))).isTrue();
    }

    @Test
    void lastAppliedFollowsAppliedWindowsAndAppliedTimestampsStillRejectOlderMarks() throws SQLException {
        assertThat(checkpoints.lastApplied(schema)).isEmpty();
        checkpoints.mark(schema, new Hlc(100, 0));
        checkpoints.mark(schema, new Hlc(200, 0));
        assertThat(checkpoints.lastApplied(schema)).isEmpty();

        assertThat(applyNextWindow()).contains(new Hlc(100, 0));
        assertThat(checkpoints.lastApplied(schema)).contains(new Hlc(100, 0));
        assertThat(applyNextWindow()).contains(new Hlc(200, 0));
        assertThat(checkpoints.lastApplied(schema)).contains(new Hlc(200, 0));
        assertThat(applyNextWindow()).isEmpty();

        assertThat(checkpoints.mark(schema, new Hlc(200, 0))).isFalse();
        assertThatThrownBy(() -> checkpoints.mark(schema, new Hlc(150, 0)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("backwards");
        // Applied rows older than the last applied one are pruned.
        assertThat(db.count("SELECT count(*) FROM " + db.meta("pending_timestamps"))).isEqualTo(1);
    }

    /**
     * Instances marking one schema at once: every timestamp is queued once, none twice, and none is lost, because
     * the check of the newest and the insert run under the schema's lock.
     */
    @Test
    void concurrentMarksOfOneSchemaQueueEachTimestampOnce() throws Exception {
        int threads = 4;
        int marks = 25;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 1; i <= marks; i++) {
                        try {
                            if (checkpoints.mark(schema, new Hlc(i * 10L, 0))) {
                                accepted.incrementAndGet();
                            }
                        } catch (BadInputException e) {
                            refused.incrementAndGet(); // another thread was already further along
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long queued = db.count("SELECT count(*) FROM " + db.meta("pending_timestamps"));
        assertThat(accepted.get()).as("each accepted mark is one row").isEqualTo(queued);
        assertThat(db.count("SELECT count(DISTINCT nanos) FROM " + db.meta("pending_timestamps")))
                .isEqualTo(queued);
        assertThat(db.count("SELECT max(nanos) FROM " + db.meta("pending_timestamps"))).isEqualTo(marks * 10L);
    }
}
