package io.cdcsink.staging;

import io.cdcsink.engine.TargetDialect;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The SQL text of staging: the registry of staging tables and the staging tables themselves. Statements that read
 * the same on every target live here; what differs between products is abstract and implemented once per product
 * ({@link PostgresStagingSql}, {@link CockroachStagingSql}, {@link MySqlStagingSql}); a product overrides a common
 * statement where its SQL differs. Every table argument is already quoted and qualified;
 * values are always bound. The resolved timestamps that bound the windows are the metadata module's.
 *
 * <p>A staging table holds one row per staged batch ({@link StagedBatch}): its id, the times of its oldest and newest
 * mutation, how many mutations it holds and their text. Its primary key starts with the newest time, so the batches
 * that can overlap a window (newest time after the window's lower bound) and the batches an applied window removes
 * (newest time at or before it) are each one range of it.
 */
abstract class StagingSql {
    /**
     * The batches that hold a mutation in a window, by their time range: newest after the nanos and logical of the
     * first two parameters, oldest at or before those of the next two. The drain, the check of a window taken from
     * memory or read ahead ({@code SqlStager.discard}) select batches with this same text.
     */
    static final String OVERLAPS = "(max_nanos, max_logical) > (?, ?) AND (min_nanos, min_logical) <= (?, ?)";
    /** The same bounds for one mutation's time, {@code n} and {@code g} (the fields of its line). */
    static final String IN_WINDOW = "(n, g) > (?, ?) AND (n, g) <= (?, ?)";
    /** The batches wholly after the first two parameters and at or before the next two. */
    static final String THROUGH = "(max_nanos, max_logical) > (?, ?) AND (max_nanos, max_logical) <= (?, ?)";

    static StagingSql of(TargetDialect.Product product) {
        return switch (product) {
            case POSTGRESQL -> new PostgresStagingSql();
            case COCKROACHDB -> new CockroachStagingSql();
            case MYSQL -> new MySqlStagingSql();
        };
    }

    // ---- what differs per product ----

    /** The statements that create a staging table (if it does not exist yet). */
    abstract List<String> createStagingTable(String table);

    /**
     * True when a drain reads page by page, bounded by the last key seen, instead of streaming one cursor while
     * the applier writes on the same connection.
     */
    abstract boolean drainPagesByKey();

    /**
     * Selects the line ({@link StagedBatch#decode}) of the newest mutation per key of a window: the window's bounds
     * for {@link #OVERLAPS}, the same four again for the mutations' own times, and, when {@link #drainPagesByKey()},
     * the escaped key of the last line of the previous page and the page size. The escaped key is the second column.
     */
    abstract String drainSelect(String stagingTable);

    /** Keeps the legacy table's writers out until the transaction ends, where the product allows it. */
    abstract Optional<String> lockLegacy(String legacyTable);

    /** Integer division of two integer expressions. */
    abstract String divide(String dividend, String divisor);

    /**
     * True when the server picks the newest line per key ({@link #drainSelect}); else the process does, from the
     * text of the overlapping batches ({@link #overlappingLines}).
     */
    boolean newestInServer() {
        return true;
    }

    /** The id and text of each batch overlapping a window; parameters as {@link #OVERLAPS}. */
    String overlappingLines(String stagingTable) {
        return "SELECT batch, lines FROM " + stagingTable + " WHERE " + OVERLAPS;
    }

    /** The most characters of mutations one staged batch holds ({@link StagedBatch#of}). */
    int maxBatchChars() {
        return StagedBatch.MAX_CHARS;
    }

    /** True when the error is a duplicate of a primary or unique key. */
    boolean duplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * Locks and selects the ids of the batches {@link #deleteThrough} removes, where the delete cannot return them;
     * empty where it does.
     */
    Optional<String> selectThrough(String stagingTable) {
        return Optional.empty();
    }

    // ---- common to every product ----

    String createStagedTables(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT NOT NULL, target_table TEXT NOT NULL, "
                + "staging_table TEXT UNIQUE NOT NULL, PRIMARY KEY (target_schema, target_table))";
    }

    /** The staging table's columns and key, every product's. */
    String createBatchTable(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (max_nanos BIGINT NOT NULL, max_logical INT NOT NULL, "
                + "batch BIGINT NOT NULL, min_nanos BIGINT NOT NULL, min_logical INT NOT NULL, "
                + "mutations INT NOT NULL, lines TEXT NOT NULL, PRIMARY KEY (max_nanos, max_logical, batch))";
    }

    /**
     * The newest line per key of a window (see {@link #drainSelect}); {@code key} is what the escaped key {@code k}
     * is sorted as, {@code paging} what follows the filter by time.
     */
    static String newestLines(String stagingTable, String key, String paging) {
        return "SELECT DISTINCT ON (k) line FROM (SELECT l AS line, split_part(l, chr(9), 1)::INT8 AS n, "
                + "split_part(l, chr(9), 2)::INT4 AS g, " + key + " AS k FROM " + stagingTable
                + ", unnest(string_to_array(lines, chr(10))) AS l WHERE " + OVERLAPS + ") AS m WHERE " + IN_WINDOW
                + paging;
    }

    /**
     * Copies every row of a staging table of an earlier release (one row per mutation) into a staging table as
     * batches of at most 1,000 mutations each, in the same line format as {@link StagedBatch#lines}, with random ids.
     */
    String copyLegacy(String legacyTable, String stagingTable) {
        return "INSERT INTO " + stagingTable + " (batch, min_nanos, min_logical, max_nanos, max_logical, mutations, "
                + "lines) SELECT (random() * 9.0e18)::INT8, min(nanos), (array_agg(logical ORDER BY nanos, logical))[1], "
                + "max(nanos), (array_agg(logical ORDER BY nanos DESC, logical DESC))[1], count(*), "
                + "string_agg(line, chr(10) ORDER BY nanos, logical, key) FROM (SELECT nanos, logical, key, "
                + legacyLine() + " AS line, " + divide("row_number() OVER (ORDER BY nanos, logical, key) - 1", "1000")
                + " AS chunk FROM " + legacyTable + ") AS l GROUP BY chunk";
    }

    /** Parameters: target schema, target table. */
    String lookupStagingTable(String stagedTables) {
        return "SELECT staging_table FROM " + stagedTables + " WHERE target_schema = ? AND target_table = ?";
    }

    /** Parameter: staging table name. */
    String stagingNameTaken(String stagedTables) {
        return "SELECT 1 FROM " + stagedTables + " WHERE staging_table = ?";
    }

    String registerStagingTable(String stagedTables) {
        return "INSERT INTO " + stagedTables + " (target_schema, target_table, staging_table) VALUES (?, ?, ?)";
    }

    /** Parameters: the new staging table name, target schema, target table. */
    String reregisterStagingTable(String stagedTables) {
        return "UPDATE " + stagedTables + " SET staging_table = ? WHERE target_schema = ? AND target_table = ?";
    }

    String dropTable(String table) {
        return "DROP TABLE " + table;
    }

    /** Parameter: target schema. */
    String stagedTablesOfSchema(String stagedTables) {
        return "SELECT target_table FROM " + stagedTables + " WHERE target_schema = ? ORDER BY target_table";
    }

    /** Parameters: batch id, oldest nanos and logical, newest nanos and logical, mutation count, lines. */
    String stage(String stagingTable) {
        return "INSERT INTO " + stagingTable + " (batch, min_nanos, min_logical, max_nanos, max_logical, mutations, "
                + "lines) VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    /** The id and mutation count of each batch overlapping a window; parameters as {@link #OVERLAPS}. */
    String overlapping(String stagingTable) {
        return "SELECT batch, mutations FROM " + stagingTable + " WHERE " + OVERLAPS;
    }

    /**
     * Removes the batches wholly after the nanos and logical of the first two parameters and at or before those of
     * the next two, and returns their ids (unless {@link #selectThrough} lists them). A batch that straddles the upper
     * bound stays.
     */
    String deleteThrough(String stagingTable) {
        return "DELETE FROM " + stagingTable + " WHERE " + THROUGH + " RETURNING batch";
    }

    /**
     * {@code CopyText.escape}'s escapes in SQL, for the line format of {@link #copyLegacy}: the backslash first, so
     * that the backslashes the others write are not doubled. Characters by code, so no setting of the server
     * ({@code standard_conforming_strings}) changes what a literal means.
     */
    static String escaped(String text) {
        return "replace(replace(replace(replace(" + text + ", chr(92), chr(92) || chr(92)), chr(9), chr(92) || 't'), "
                + "chr(10), chr(92) || 'n'), chr(13), chr(92) || 'r')";
    }

    /** A staged line of a legacy table's row, as {@link StagedBatch#lines} writes it. */
    static String legacyLine() {
        return "nanos::TEXT || chr(9) || logical::TEXT || chr(9) || " + escaped("key::TEXT") + " || chr(9) || "
                + escaped("mut::TEXT");
    }
}
