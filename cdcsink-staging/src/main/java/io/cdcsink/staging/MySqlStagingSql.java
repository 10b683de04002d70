package io.cdcsink.staging;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * MySQL and MariaDB (tested on MariaDB 10.11; MySQL 8 is not run here, and the SQL avoids what it lacks, such as
 * {@code DELETE ... RETURNING}). There is no server-side split of a batch's text into lines, so a drain reads the
 * text of the batches overlapping the window ({@link #overlappingLines}) and keeps the newest mutation per key in the
 * process ({@link NewestPerKey}), as a window taken from memory does; the process holds the window's newest
 * mutations, not a page. Removing the batches of an applied window locks and lists them first
 * ({@link #selectThrough}), then deletes them, in the window's transaction.
 *
 * <p>Names are {@code VARCHAR(64)} (MySQL's identifier limit) in {@code utf8mb4_bin}, so they compare
 * case-sensitively as on PostgreSQL; the text is {@code LONGTEXT} because a batch may pass 16 MB in UTF-8. A batch
 * holds at most {@link #MAX_BATCH_CHARS} characters, so that with every character escaped and four bytes long it
 * stays within MariaDB's default {@code max_allowed_packet} (16 MB). {@code lines} is a reserved word and quoted.
 */
final class MySqlStagingSql extends StagingSql {
    static final String NAME = "VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    static final int MAX_BATCH_CHARS = 1 << 20;
    private static final String TABLE_OPTIONS = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    /** ER_DUP_ENTRY. */
    private static final int DUPLICATE_ENTRY = 1062;

    @Override
    List<String> createStagingTable(String table) {
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (max_nanos BIGINT NOT NULL, "
                + "max_logical INT NOT NULL, batch BIGINT NOT NULL, min_nanos BIGINT NOT NULL, "
                + "min_logical INT NOT NULL, mutations INT NOT NULL, "
                + "`lines` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
                + "PRIMARY KEY (max_nanos, max_logical, batch))" + TABLE_OPTIONS);
    }

    @Override
    boolean drainPagesByKey() {
        return false;
    }

    @Override
    boolean newestInServer() {
        return false;
    }

    @Override
    String drainSelect(String stagingTable) {
        throw new UnsupportedOperationException("MySQL picks the newest mutation per key in the process");
    }

    @Override
    String overlappingLines(String stagingTable) {
        return "SELECT batch, `lines` FROM " + stagingTable + " WHERE " + OVERLAPS;
    }

    @Override
    Optional<String> lockLegacy(String legacyTable) {
        return Optional.empty();
    }

    @Override
    String divide(String dividend, String divisor) {
        return "(" + dividend + ") DIV " + divisor;
    }

    @Override
    int maxBatchChars() {
        return MAX_BATCH_CHARS;
    }

    @Override
    boolean duplicateKey(SQLException e) {
        return e.getErrorCode() == DUPLICATE_ENTRY;
    }

    @Override
    String createStagedTables(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema " + NAME + " NOT NULL, target_table " + NAME
                + " NOT NULL, staging_table " + NAME + " NOT NULL UNIQUE, PRIMARY KEY (target_schema, target_table))"
                + TABLE_OPTIONS;
    }

    /**
     * No earlier release staged into MySQL, so no staging table of the legacy format can be registered there.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    String copyLegacy(String legacyTable, String stagingTable) {
        throw new UnsupportedOperationException("staging table " + legacyTable
                + " is in the format of an earlier release, which never staged into MySQL: not converted");
    }

    @Override
    String stage(String stagingTable) {
        return "INSERT INTO " + stagingTable + " (batch, min_nanos, min_logical, max_nanos, max_logical, mutations, "
                + "`lines`) VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    @Override
    Optional<String> selectThrough(String stagingTable) {
        return Optional.of("SELECT batch FROM " + stagingTable + " WHERE " + THROUGH + " FOR UPDATE");
    }

    @Override
    String deleteThrough(String stagingTable) {
        return "DELETE FROM " + stagingTable + " WHERE " + THROUGH;
    }
}
