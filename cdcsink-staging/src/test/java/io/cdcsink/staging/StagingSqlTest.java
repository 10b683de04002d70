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
    void bothProductsStageOneRowPerBatchKeyedByItsNewestTime() {
        assertThat(crdb.stage("x")).isEqualTo(pg.stage("x")).isEqualTo("INSERT INTO x (batch, min_nanos, min_logical, "
                + "max_nanos, max_logical, mutations, lines) VALUES (?, ?, ?, ?, ?, ?, ?)");
        assertThat(crdb.createStagingTable("x")).containsExactly("CREATE TABLE IF NOT EXISTS x (max_nanos BIGINT "
                + "NOT NULL, max_logical INT NOT NULL, batch BIGINT NOT NULL, min_nanos BIGINT NOT NULL, min_logical "
                + "INT NOT NULL, mutations INT NOT NULL, lines TEXT NOT NULL, "
                + "PRIMARY KEY (max_nanos, max_logical, batch))");
        assertThat(pg.createStagingTable("x")).as("the lines uncompressed, out of line")
                .containsExactly(crdb.createStagingTable("x").get(0),
                        "ALTER TABLE x ALTER COLUMN lines SET STORAGE EXTERNAL");
    }

    @Test
    void windowsSelectRemoveAndCompareBatchesByTheSameTimeRanges() {
        assertThat(crdb.overlapping("x")).isEqualTo(pg.overlapping("x")).isEqualTo("SELECT batch, mutations FROM x "
                + "WHERE (max_nanos, max_logical) > (?, ?) AND (min_nanos, min_logical) <= (?, ?)");
        assertThat(crdb.deleteThrough("x")).isEqualTo(pg.deleteThrough("x")).isEqualTo("DELETE FROM x "
                + "WHERE (max_nanos, max_logical) > (?, ?) AND (max_nanos, max_logical) <= (?, ?) RETURNING batch");
    }

    @Test
    void postgresStreamsTheNewestLinePerKeyWhileCockroachPagesByKey() {
        String lines = "SELECT DISTINCT ON (k) line FROM (SELECT l AS line, split_part(l, chr(9), 1)::INT8 AS n, "
                + "split_part(l, chr(9), 2)::INT4 AS g, split_part(l, chr(9), 3)";
        String from = " AS k FROM \"s\".\"t\", unnest(string_to_array(lines, chr(10))) AS l WHERE "
                + "(max_nanos, max_logical) > (?, ?) AND (min_nanos, min_logical) <= (?, ?)) AS m "
                + "WHERE (n, g) > (?, ?) AND (n, g) <= (?, ?)";
        assertThat(pg.drainPagesByKey()).isFalse();
        assertThat(pg.drainSelect("\"s\".\"t\"")).isEqualTo(lines + " COLLATE \"C\"" + from
                + " ORDER BY k, n DESC, g DESC");
        assertThat(crdb.drainPagesByKey()).isTrue();
        assertThat(crdb.drainSelect("\"s\".\"t\"")).isEqualTo(lines + from
                + " AND k > ? ORDER BY k, n DESC, g DESC LIMIT ?");
    }

    @Test
    void legacyTablesAreCopiedAsBatchesInTheLineFormatWithEachProductsIntegerDivision() {
        String escapedKey = "replace(replace(replace(replace(key::TEXT, chr(92), chr(92) || chr(92)), chr(9), "
                + "chr(92) || 't'), chr(10), chr(92) || 'n'), chr(13), chr(92) || 'r')";
        assertThat(pg.copyLegacy("old", "new")).startsWith("INSERT INTO new (batch, min_nanos, min_logical, "
                        + "max_nanos, max_logical, mutations, lines) SELECT (random() * 9.0e18)::INT8, min(nanos), ")
                .contains("nanos::TEXT || chr(9) || logical::TEXT || chr(9) || " + escapedKey + " || chr(9) || ")
                .contains("string_agg(line, chr(10) ORDER BY nanos, logical, key)")
                .endsWith("(row_number() OVER (ORDER BY nanos, logical, key) - 1) / 1000 AS chunk FROM old) AS l "
                        + "GROUP BY chunk");
        assertThat(crdb.copyLegacy("old", "new")).isEqualTo(pg.copyLegacy("old", "new")
                .replace("- 1) / 1000", "- 1) // 1000"));
        assertThat(pg.lockLegacy("old")).contains("LOCK TABLE old IN EXCLUSIVE MODE");
        assertThat(crdb.lockLegacy("old")).isEmpty();
        assertThat(crdb.reregisterStagingTable("r")).isEqualTo(pg.reregisterStagingTable("r"))
                .isEqualTo("UPDATE r SET staging_table = ? WHERE target_schema = ? AND target_table = ?");
    }

    @Test
    void mysqlReadsTheOverlappingBatchesTextAndListsBatchesBeforeDeletingThem() {
        StagingSql my = StagingSql.of(Product.MYSQL);
        assertThat(my).isInstanceOf(MySqlStagingSql.class);
        assertThat(my.newestInServer()).isFalse();
        assertThat(my.drainPagesByKey()).isFalse();
        assertThat(my.overlappingLines("x")).isEqualTo("SELECT batch, `lines` FROM x "
                + "WHERE (max_nanos, max_logical) > (?, ?) AND (min_nanos, min_logical) <= (?, ?)");
        assertThat(my.overlapping("x")).isEqualTo(pg.overlapping("x"));
        assertThat(my.selectThrough("x")).contains("SELECT batch FROM x "
                + "WHERE (max_nanos, max_logical) > (?, ?) AND (max_nanos, max_logical) <= (?, ?) FOR UPDATE");
        assertThat(my.deleteThrough("x")).isEqualTo("DELETE FROM x "
                + "WHERE (max_nanos, max_logical) > (?, ?) AND (max_nanos, max_logical) <= (?, ?)");
        assertThat(pg.selectThrough("x")).isEmpty();
        assertThat(my.stage("x")).contains("`lines`");
        assertThat(my.createStagingTable("x")).singleElement().asString().contains("`lines` LONGTEXT");
        assertThat(my.createStagedTables("x")).contains("staging_table VARCHAR(64) CHARACTER SET utf8mb4 "
                + "COLLATE utf8mb4_bin NOT NULL UNIQUE");
        assertThat(my.duplicateKey(new java.sql.SQLException("dup", "23000", 1062))).isTrue();
        assertThat(pg.duplicateKey(new java.sql.SQLException("dup", "23505"))).isTrue();
        assertThat(my.maxBatchChars()).isLessThan(pg.maxBatchChars());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> my.copyLegacy("l", "x"))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("never staged into MySQL");
    }
}
