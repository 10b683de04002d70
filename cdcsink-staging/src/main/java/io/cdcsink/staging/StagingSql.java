package io.cdcsink.staging;

import io.cdcsink.engine.TargetDialect;
import java.util.Optional;

/**
 * The SQL text of staging and resolution. Statements that read the same on every target live here; what differs
 * between products is abstract and implemented once per product ({@link PostgresStagingSql},
 * {@link CockroachStagingSql}). Every table argument is already quoted and qualified; values are always bound.
 */
abstract class StagingSql {
    /**
     * The staged rows of a window: after the nanos and logical of the first two parameters, up to those of the next
     * two. The drain, the count of a window read ahead and the delete must select the same rows ({@code
     * SqlStager.discard} compares their counts), so they share this text.
     */
    static final String IN_WINDOW = "(nanos, logical) > (?, ?) AND (nanos, logical) <= (?, ?)";

    /** SQLSTATE lock_not_available: a {@code NOWAIT} lock is held by someone else. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    static StagingSql of(TargetDialect.Product product) {
        return switch (product) {
            case POSTGRESQL -> new PostgresStagingSql();
            case COCKROACHDB -> new CockroachStagingSql();
        };
    }

    // ---- what differs per product ----

    /**
     * A statement taking one {@code BIGINT} key that blocks until it holds an exclusive lock released at commit,
     * or empty when the product serialises the transactions by itself.
     */
    abstract Optional<String> exclusiveLock();

    /**
     * A statement taking one {@code BIGINT} key that returns one boolean: whether an exclusive lock released at
     * commit was acquired without waiting; empty when {@link #oldestPending} does the locking itself.
     */
    abstract Optional<String> tryExclusiveLock();

    /** Selects (nanos, logical) of the oldest unapplied pending timestamp; parameter: target schema. */
    abstract String oldestPending(String pendingTable);

    /** The type of a staging table's {@code key} column, a text; drains sort by it. */
    abstract String stagingKeyType();

    /** The type of a staging table's {@code mut} column, which holds a JSON document; staged and read back as text. */
    abstract String stagingMutType();

    /** True when DDL can run in one transaction together with the lock and the registry writes. */
    abstract boolean transactionalDdl();

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

    String createSchema(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + schema;
    }

    String createStagedTables(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT NOT NULL, target_table TEXT NOT NULL, "
                + "staging_table TEXT UNIQUE NOT NULL, PRIMARY KEY (target_schema, target_table))";
    }

    String createPendingTimestamps(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT NOT NULL, nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, applied_at TIMESTAMPTZ NULL, PRIMARY KEY (target_schema, nanos, logical))";
    }

    String createTimestamps(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT PRIMARY KEY, nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)";
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

    /** Parameters: schema name of the staging area, table name. */
    String tableExists() {
        return "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
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

    /** Parameter: target schema. */
    String lastApplied(String timestamps) {
        return "SELECT nanos, logical FROM " + timestamps + " WHERE target_schema = ?";
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

    /** Parameter: target schema. */
    String newestPending(String pendingTable) {
        return "SELECT nanos, logical FROM " + pendingTable + " WHERE target_schema = ? "
                + "ORDER BY nanos DESC, logical DESC LIMIT 1";
    }

    /** Selects (nanos, logical) of the oldest unapplied pending timestamp after one; parameters: schema, nanos, logical. */
    String nextPending(String pendingTable) {
        return "SELECT nanos, logical FROM " + pendingTable + " WHERE target_schema = ? AND applied_at IS NULL "
                + "AND (nanos, logical) > (?, ?) ORDER BY nanos, logical LIMIT 1";
    }

    /** Parameters: target schema, nanos, logical. */
    String insertPending(String pendingTable) {
        return "INSERT INTO " + pendingTable + " (target_schema, nanos, logical) VALUES (?, ?, ?)";
    }

    /** Parameters: target schema, nanos, logical. */
    String markPendingApplied(String pendingTable) {
        return "UPDATE " + pendingTable + " SET applied_at = now() "
                + "WHERE target_schema = ? AND nanos = ? AND logical = ?";
    }

    /**
     * Parameters: target schema, nanos, logical. Keeps the newest applied row so a later mark can still tell
     * whether it goes backwards.
     */
    String pruneApplied(String pendingTable) {
        return "DELETE FROM " + pendingTable + " WHERE target_schema = ? AND applied_at IS NOT NULL "
                + "AND (nanos, logical) < (?, ?)";
    }

    /** Parameters: target schema, nanos, logical. */
    String upsertTimestamp(String timestamps) {
        return "INSERT INTO " + timestamps + " (target_schema, nanos, logical, applied_at) VALUES (?, ?, ?, now()) "
                + "ON CONFLICT (target_schema) DO UPDATE SET nanos = excluded.nanos, logical = excluded.logical, "
                + "applied_at = excluded.applied_at";
    }

    /** No parameters. */
    String schemasWithPendingWork(String pendingTable) {
        return "SELECT DISTINCT target_schema FROM " + pendingTable + " WHERE applied_at IS NULL";
    }
}
