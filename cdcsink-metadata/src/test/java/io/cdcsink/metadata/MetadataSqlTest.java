package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.TargetDialect.Product;
import org.junit.jupiter.api.Test;

/** The SQL that differs between PostgreSQL and CockroachDB (no CockroachDB server is available to run it). */
class MetadataSqlTest {
    private final MetadataSql pg = MetadataSql.of(Product.POSTGRESQL);
    private final MetadataSql crdb = MetadataSql.of(Product.COCKROACHDB);

    @Test
    void dialectIsChosenByProduct() {
        assertThat(pg).isInstanceOf(PostgresMetadataSql.class);
        assertThat(crdb).isInstanceOf(CockroachMetadataSql.class);
    }

    @Test
    void postgresUsesAdvisoryTransactionLocks() {
        assertThat(pg.exclusiveLock("l")).contains("SELECT pg_advisory_xact_lock(?)");
        assertThat(pg.tryExclusiveLock()).contains("SELECT pg_try_advisory_xact_lock(?)");
        assertThat(pg.oldestPending("\"_cdc_sink\".\"pending_timestamps\"")).isEqualTo(
                "SELECT nanos, logical FROM \"_cdc_sink\".\"pending_timestamps\" WHERE target_schema = ? "
                        + "AND applied_at IS NULL ORDER BY nanos, logical LIMIT 1");
        assertThat(pg.transactionalDdl()).isTrue();
    }

    @Test
    void cockroachLocksThePendingRowWithNowaitAndHasNoAdvisoryLocks() {
        assertThat(crdb.exclusiveLock("l")).isEmpty();
        assertThat(crdb.tryExclusiveLock()).isEmpty();
        assertThat(crdb.oldestPending("\"db\".\"_cdc_sink\".\"pending_timestamps\"")).isEqualTo(
                "SELECT nanos, logical FROM \"db\".\"_cdc_sink\".\"pending_timestamps\" WHERE target_schema = ? "
                        + "AND applied_at IS NULL ORDER BY nanos, logical LIMIT 1 FOR UPDATE NOWAIT");
        assertThat(crdb.transactionalDdl()).isFalse();
    }

    @Test
    void sharedStatementsAreTheSameForBothProducts() {
        assertThat(crdb.upsertTimestamp("x")).isEqualTo(pg.upsertTimestamp("x"));
        assertThat(crdb.upsertPosition("x")).isEqualTo(pg.upsertPosition("x"))
                .endsWith("ON CONFLICT (loop_name) DO UPDATE SET position = excluded.position,"
                        + " commit_time = excluded.commit_time, updated_at = excluded.updated_at");
    }

    @Test
    void tablesKeepTheNamesAndColumnsOfEarlierReleases() {
        assertThat(pg.createTimestamps("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x (target_schema TEXT PRIMARY KEY, "
                + "nanos BIGINT NOT NULL, logical INT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)");
        assertThat(pg.createPendingTimestamps("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x ("
                + "target_schema TEXT NOT NULL, nanos BIGINT NOT NULL, logical INT NOT NULL, "
                + "applied_at TIMESTAMPTZ NULL, PRIMARY KEY (target_schema, nanos, logical))");
        assertThat(pg.createPositions("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x (loop_name TEXT PRIMARY KEY,"
                + " position TEXT NOT NULL, commit_time TIMESTAMPTZ NOT NULL,"
                + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        assertThat(pg.createJwtKeys("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x (id UUID PRIMARY KEY DEFAULT"
                + " gen_random_uuid(), public_key TEXT NOT NULL, active BOOL NOT NULL DEFAULT true)");
        assertThat(pg.createJwtRevoked("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x (id TEXT PRIMARY KEY)");
    }
}
