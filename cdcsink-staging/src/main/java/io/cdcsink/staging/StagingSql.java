package io.cdcsink.staging;

import io.cdcsink.engine.TargetDialect;
import java.util.Optional;

/**
 * The SQL text of staging: the registry of staging tables and the staging tables themselves. Statements that read
 * the same on every target live here; what differs between products is abstract and implemented once per product
 * ({@link PostgresStagingSql}, {@link CockroachStagingSql}). Every table argument is already quoted and qualified;
 * values are always bound. The resolved timestamps that bound the windows are the metadata module's.
 */
abstract class StagingSql {
    /**
     * The staged rows of a window: after the nanos and logical of the first two parameters, up to those of the next
     * two. The drain, the count of a window read ahead and the delete must select the same rows ({@code
     * SqlStager.discard} compares their counts), so they share this text.
     */
    static final String IN_WINDOW = "(nanos, logical) > (?, ?) AND (nanos, logical) <= (?, ?)";

    static StagingSql of(TargetDialect.Product product) {
        return switch (product) {
            case POSTGRESQL -> new PostgresStagingSql();
            case COCKROACHDB -> new CockroachStagingSql();
        };
    }

    // ---- what differs per product ----

    /** The type of a staging table's {@code key} column, a text; drains sort by it. */
    abstract String stagingKeyType();

    /** The type of a staging table's {@code mut} column, which holds a JSON document; staged and read back as text. */
    abstract String stagingMutType();

    /**
     * True when a drain reads page by page, bounded by the last key seen, instead of streaming one cursor while
     * the applier writes on the same connection.
     */
    abstract boolean drainPagesByKey();

    /**
     * Selects nanos, logical, key, mut as text: the newest row per key after one time and at or before another.
     * Parameters: the nanos and logical after which rows count (the last applied window), the nanos and logical up to
     * which they count, and, when {@link #drainPagesByKey()}, the last key of the previous page and the page size.
     */
    abstract String drainSelect(String stagingTable);

    /**
     * A {@code COPY ... FROM STDIN} of (nanos, logical, key, mut) in the text format, tried before {@link #stage};
     * empty when batches are staged with {@link #stage} only.
     */
    abstract Optional<String> copyStage(String stagingTable);

    // ---- common to every product ----

    String createStagedTables(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT NOT NULL, target_table TEXT NOT NULL, "
                + "staging_table TEXT UNIQUE NOT NULL, PRIMARY KEY (target_schema, target_table))";
    }

    /**
     * A staging table: the columns and key every product and every release share. {@link #stagingKeyType} and
     * {@link #stagingMutType} may differ per product and between releases; tables created by an earlier release keep
     * their types, and every statement here works with either.
     */
    String createStagingTable(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (nanos BIGINT NOT NULL, logical INT NOT NULL, "
                + "key " + stagingKeyType() + " NOT NULL, mut " + stagingMutType() + " NOT NULL, "
                + "PRIMARY KEY (nanos, logical, key))";
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

    /** Parameter: target schema. */
    String stagedTablesOfSchema(String stagedTables) {
        return "SELECT target_table FROM " + stagedTables + " WHERE target_schema = ? ORDER BY target_table";
    }

    /**
     * Parameters: arrays of nanos, logical, key and mut (JSON text; JSON converts to JSONB and to TEXT on assignment,
     * so this serves every column type). Redelivery of a (time, key) replaces the row, so staging is idempotent; the caller
     * removes duplicates within one batch, which ON CONFLICT cannot handle.
     */
    String stage(String stagingTable) {
        return "INSERT INTO " + stagingTable + " (nanos, logical, key, mut) "
                + "SELECT n, l, k, m::JSON FROM unnest(?::INT8[], ?::INT4[], ?::TEXT[], ?::TEXT[]) AS u (n, l, k, m) "
                + "ON CONFLICT (nanos, logical, key) DO UPDATE SET mut = excluded.mut";
    }

    /** Counts a window's staged rows; parameters as {@link #deleteDrained}. */
    String countWindow(String stagingTable) {
        return "SELECT count(*) FROM " + stagingTable + " WHERE " + IN_WINDOW;
    }

    /** Parameters: the nanos and logical after which, and the nanos and logical up to which rows go. */
    String deleteDrained(String stagingTable) {
        return "DELETE FROM " + stagingTable + " WHERE " + IN_WINDOW;
    }
}
