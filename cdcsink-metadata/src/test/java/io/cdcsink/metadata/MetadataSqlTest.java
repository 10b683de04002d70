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

    @Test
    void mysqlLocksRowsAndBindsListsOneParameterEach() {
        MetadataSql my = MetadataSql.of(io.cdcsink.engine.TargetDialect.Product.MYSQL);
        assertThat(my).isInstanceOf(MySqlMetadataSql.class);
        assertThat(my.exclusiveLock("`_cdc_sink`.`locks`")).contains("INSERT INTO `_cdc_sink`.`locks` (lock_key) "
                + "VALUES (?) ON DUPLICATE KEY UPDATE lock_key = lock_key");
        assertThat(my.createLocks("`_cdc_sink`.`locks`")).containsExactly("CREATE TABLE IF NOT EXISTS "
                + "`_cdc_sink`.`locks` (lock_key BIGINT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                + "COLLATE=utf8mb4_bin");
        assertThat(my.tryExclusiveLock()).isEmpty();
        assertThat(my.oldestPending("p")).endsWith("LIMIT 1 FOR UPDATE NOWAIT");
        assertThat(my.transactionalDdl()).isFalse();
        assertThat(my.arrays()).isFalse();
        assertThat(my.anyOf("id", 3)).isEqualTo("id IN (?, ?, ?)");
        assertThat(my.keysWithDeadLetters("d", 2)).isEqualTo("SELECT DISTINCT `key` FROM d WHERE target_schema = ? "
                + "AND target_table = ? AND `key` IN (?, ?)");
        assertThat(my.insertDeadLetter("d")).doesNotContain("RETURNING");
        assertThat(my.lockNotAvailable(new java.sql.SQLException("nowait", "HY000", 1205))).isTrue();
        assertThat(my.lockNotAvailable(new java.sql.SQLException("nowait", "HY000", 3572))).isTrue();
        assertThat(my.lockNotAvailable(new java.sql.SQLException("deadlock", "40001", 1213))).isFalse();
        assertThat(pg.anyOf("id", 3)).isEqualTo("id = ANY (?)");
        assertThat(SqlLoads.decode(SqlLoads.encode(java.util.List.of("a\tb", "", "c\\n\n"))))
                .containsExactly("a\tb", "", "c\\n\n");
    }
}
