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
    private TestDatabase db;
    private ResolvedTimestamps timestamps;
    private SqlCheckpoints checkpoints;
    private SchemaName schema;
    /** The schemas the checkpoints woke the resolver for, in order. */
    private final List<SchemaName> woken = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws SQLException {
        db = new TestDatabase("checkpoints");
        db.exec("CREATE SCHEMA app", "CREATE SCHEMA other");
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, MetadataConfig.defaults());
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
                .hasMessageContaining(db.name + ".app")
                .hasMessageContaining(new Hlc(900, 0).toString());
        assertThatThrownBy(() -> checkpoints.mark(schema, new Hlc(899, 7)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("backwards");
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.pending_timestamps")).isEqualTo(1);
        assertThat(checkpoints.mark(schema, new Hlc(900, 1))).isTrue();
    }

    @Test
    void aSchemaTheTargetDoesNotHaveIsRefusedAndNothingIsQueued() throws SQLException {
        assertThatThrownBy(() -> checkpoints.mark(db.schema("missing'; DROP TABLE x; --"), new Hlc(900, 0)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown schema")
                .hasMessageContaining("missing'; DROP TABLE x; --");
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.pending_timestamps")).isZero();
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
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.pending_timestamps")).isEqualTo(1);
    }
}
