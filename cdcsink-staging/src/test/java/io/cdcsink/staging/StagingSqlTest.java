package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.TargetDialect.Product;
import org.junit.jupiter.api.Test;

/**
 * The staging SQL that differs between PostgreSQL and CockroachDB (no CockroachDB server is available to run it); the
 * locks and DDL are {@code MetadataSqlTest}'s.
 */
class StagingSqlTest {
    private final StagingSql pg = StagingSql.of(Product.POSTGRESQL);
    private final StagingSql crdb = StagingSql.of(Product.COCKROACHDB);

    @Test
    void dialectIsChosenByProduct() {
        assertThat(pg).isInstanceOf(PostgresStagingSql.class);
        assertThat(crdb).isInstanceOf(CockroachStagingSql.class);
    }

    @Test
    void postgresCopiesBatchesWhileCockroachInsertsThem() {
        assertThat(pg.copyStage("\"s\".\"t\"")).contains("COPY \"s\".\"t\" (nanos, logical, key, mut) FROM STDIN");
        assertThat(crdb.copyStage("\"d\".\"s\".\"t\"")).isEmpty();
    }

    @Test
    void postgresStreamsTheDrainWhileCockroachPagesByKey() {
        assertThat(pg.drainPagesByKey()).isFalse();
        assertThat(pg.drainSelect("\"s\".\"t\"")).isEqualTo("SELECT DISTINCT ON (key) nanos, logical, key, mut::TEXT "
                + "FROM \"s\".\"t\" WHERE (nanos, logical) > (?, ?) AND (nanos, logical) <= (?, ?) "
                + "ORDER BY key, nanos DESC, logical DESC");
        assertThat(crdb.drainPagesByKey()).isTrue();
        assertThat(crdb.drainSelect("\"d\".\"s\".\"t\"")).isEqualTo("SELECT DISTINCT ON (key) nanos, logical, key, "
                + "mut::TEXT FROM \"d\".\"s\".\"t\" WHERE (nanos, logical) > (?, ?) AND (nanos, logical) <= (?, ?) "
                + "AND key > ? "
                + "ORDER BY key, nanos DESC, logical DESC LIMIT ?");
    }

    @Test
    void sharedStatementsAreTheSameForBothProducts() {
        assertThat(crdb.stage("x")).isEqualTo(pg.stage("x")).contains("unnest(?::INT8[], ?::INT4[], ?::TEXT[], ?::TEXT[])")
                .endsWith("ON CONFLICT (nanos, logical, key) DO UPDATE SET mut = excluded.mut");
        assertThat(crdb.createStagingTable("x")).endsWith("PRIMARY KEY (nanos, logical, key))");
        assertThat(pg.createStagingTable("x")).endsWith("PRIMARY KEY (nanos, logical, key))");
    }

    @Test
    void postgresStagesKeysInByteOrderAndMutationsAsText() {
        assertThat(pg.createStagingTable("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x (nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, key TEXT COLLATE \"C\" NOT NULL, mut TEXT NOT NULL, "
                + "PRIMARY KEY (nanos, logical, key))");
        assertThat(crdb.createStagingTable("x")).isEqualTo("CREATE TABLE IF NOT EXISTS x (nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, key TEXT NOT NULL, mut JSONB NOT NULL, PRIMARY KEY (nanos, logical, key))");
    }
}
