package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SqlCheckpointsIT {
    private Db db;
    private ResolverService resolver;
    private SqlCheckpoints checkpoints;
    private SchemaName schema;

    @BeforeEach
    void setUp() throws SQLException {
        db = new Db("checkpoints");
        db.exec("CREATE SCHEMA app", "CREATE SCHEMA other");
        PrometheusRegistry registry = new PrometheusRegistry();
        SqlStager stager = new SqlStager(new StagingArea(db.pools, db.config), registry);
        resolver = new ResolverService(db.pools, stager, new RowApplier(), new StagingArea(db.pools, db.config),
                db.config, registry);
        checkpoints = new SqlCheckpoints(db.pools, new StagingArea(db.pools, db.config), resolver);
        schema = db.schema("app");
    }

    @AfterEach
    void tearDown() {
        resolver.close();
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

        resolver.applyNextWindow(schema);
        assertThat(checkpoints.lastApplied(schema)).contains(new Hlc(100, 0));
        resolver.applyNextWindow(schema);
        assertThat(checkpoints.lastApplied(schema)).contains(new Hlc(200, 0));

        assertThat(checkpoints.mark(schema, new Hlc(200, 0))).isFalse();
        assertThatThrownBy(() -> checkpoints.mark(schema, new Hlc(150, 0)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("backwards");
        // Applied rows older than the last applied one are pruned.
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.pending_timestamps")).isEqualTo(1);
    }
}
