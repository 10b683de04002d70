package io.cdcsink.metadata;

import io.cdcsink.engine.TargetDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The SQL text of cdc-sink's own tables. Statements that read the same on every target live here; what differs
 * between products is abstract and implemented once per product ({@link PostgresMetadataSql},
 * {@link CockroachMetadataSql}, {@link MySqlMetadataSql}); a product overrides a common statement where its SQL
 * differs. Every table argument is already quoted and qualified; values are always bound.
 *
 * <p>The tables' names and columns are those of every earlier release, so tables they created keep working; every
 * {@code CREATE} is {@code IF NOT EXISTS}.
 */
abstract class MetadataSql {
    /** SQLSTATE lock_not_available: a {@code NOWAIT} lock is held by someone else. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    static MetadataSql of(TargetDialect.Product product) {
        return switch (product) {
            case POSTGRESQL -> new PostgresMetadataSql();
            case COCKROACHDB -> new CockroachMetadataSql();
            case MYSQL -> new MySqlMetadataSql();
        };
    }

    // ---- what differs per product ----

    /**
     * A statement taking one {@code BIGINT} key that blocks until it holds an exclusive lock released at commit,
     * or empty when the product serialises the transactions by itself; {@code lockTable} is the database's
     * {@value #LOCKS} table, for a product that locks rows of it ({@link #createLocks}).
     */
    abstract Optional<String> exclusiveLock(String lockTable);

    /** The table whose rows are locks, where a product needs one. */
    static final String LOCKS = "locks";

    /** The statements creating the lock table ({@link #exclusiveLock}), none where locks need no rows. */
    List<String> createLocks(String table) {
        return List.of();
    }

    /** True when the error says a {@code NOWAIT} lock is held by someone else. */
    boolean lockNotAvailable(SQLException e) {
        return LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    /** True when lists of values are bound as one SQL array ({@code = ANY (?)}); else as one parameter each. */
    boolean arrays() {
        return true;
    }

    /** A condition that {@code column} is one of {@code n} bound values (one array, or {@code n} parameters). */
    String anyOf(String column, int n) {
        return column + " = ANY (?)";
    }

    /** True when {@link #insertDeadLetter} returns the id as a result set; else as the generated key. */
    boolean insertReturns() {
        return true;
    }

    /** True when {@link #relationExists} takes the schema and table name; else the qualified table as text. */
    boolean relationByParts() {
        return false;
    }

    /**
     * A statement taking one {@code BIGINT} key that returns one boolean: whether an exclusive lock released at
     * commit was acquired without waiting; empty when {@link #oldestPending} does the locking itself.
     */
    abstract Optional<String> tryExclusiveLock();

    /** Selects (nanos, logical) of the oldest unapplied pending timestamp; parameter: target schema. */
    abstract String oldestPending(String pendingTable);

    /** True when DDL can run in one transaction together with the lock and the registry writes. */
    abstract boolean transactionalDdl();

    /** The column definition of a generated, increasing {@code BIGINT} primary key named {@code id}. */
    abstract String generatedId();

    /** Binds a point in time to a time column of these tables. */
    void bindTime(PreparedStatement ps, int index, Instant time) throws SQLException {
        ps.setTimestamp(index, Timestamp.from(time));
    }

    /** Reads a time column of these tables; null stays null. */
    Instant readTime(ResultSet rs, int index) throws SQLException {
        Timestamp t = rs.getTimestamp(index);
        return t == null ? null : t.toInstant();
    }

    // ---- common to every product ----

    /**
     * {@link #oldestPending} for products without advisory locks (CockroachDB, MySQL): the row itself is locked, and
     * a claim another transaction holds fails at once instead of waiting.
     */
    static String oldestPendingNoWait(String pendingTable) {
        return "SELECT nanos, logical FROM " + pendingTable + " WHERE target_schema = ? AND applied_at IS NULL "
                + "ORDER BY nanos, logical LIMIT 1 FOR UPDATE NOWAIT";
    }

    String createSchema(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + schema;
    }

    /** Parameters: the metadata schema, table name. */
    String tableExists() {
        return "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
    }

    // resolved timestamps

    String createPendingTimestamps(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT NOT NULL, nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, applied_at TIMESTAMPTZ NULL, PRIMARY KEY (target_schema, nanos, logical))";
    }

    String createTimestamps(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema TEXT PRIMARY KEY, nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)";
    }

    /** Parameter: target schema. */
    String lastApplied(String timestamps) {
        return "SELECT nanos, logical FROM " + timestamps + " WHERE target_schema = ?";
    }

    /** Parameter: target schema. */
    String newestPending(String pendingTable) {
        return "SELECT nanos, logical FROM " + pendingTable + " WHERE target_schema = ? "
                + "ORDER BY nanos DESC, logical DESC LIMIT 1";
    }

    /**
     * Selects (nanos, logical) of the oldest unapplied pending timestamp after one; parameters: schema, nanos,
     * logical.
     */
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

    // dead_letters

    List<String> createDeadLetters(String table, String index) {
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (" + generatedId() + ", "
                        + "target_schema TEXT NOT NULL, target_table TEXT NOT NULL, key TEXT NOT NULL, "
                        + "nanos BIGINT NOT NULL, logical INT NOT NULL, mutation TEXT NULL, format TEXT NOT NULL, "
                        + "error TEXT NOT NULL, sqlstate TEXT NULL, dead_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (target_schema, target_table, key)");
    }

    /** Parameters: schema, table, key, nanos, logical, mutation, format, error, sqlstate. Returns the id. */
    String insertDeadLetter(String table) {
        return "INSERT INTO " + table + " (target_schema, target_table, key, nanos, logical, mutation, format, error, "
                + "sqlstate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    }

    /** No parameters. */
    String tablesWithDeadLetters(String table) {
        return "SELECT DISTINCT target_schema, target_table FROM " + table;
    }

    /** Parameters: schema, table, the {@code n} keys ({@link #anyOf}). */
    String keysWithDeadLetters(String table, int n) {
        return "SELECT DISTINCT key FROM " + table + " WHERE target_schema = ? AND target_table = ? AND "
                + anyOf("key", n);
    }

    /**
     * Every dead letter in the order they were set aside, which for each key is its source order (a key's changes
     * are set aside one transaction after the other); {@code where} is a condition on its columns (with parameters
     * of the caller's) or {@code TRUE}.
     */
    String listDeadLetters(String table, String where) {
        return "SELECT id, target_schema, target_table, key, nanos, logical, mutation, format, error, sqlstate, "
                + "dead_at FROM " + table + " WHERE " + where + " ORDER BY id";
    }

    /** Parameter: id. */
    String deleteDeadLetter(String table) {
        return "DELETE FROM " + table + " WHERE id = ?";
    }

    // apply_config

    String createApplyConfig(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "target_db TEXT NOT NULL CHECK (length(target_db) > 0), "
                + "target_schema TEXT NOT NULL CHECK (length(target_schema) > 0), "
                + "target_table TEXT NOT NULL CHECK (length(target_table) > 0), "
                + "target_column TEXT NOT NULL CHECK (length(target_column) > 0), "
                + "cas_order INT NOT NULL DEFAULT 0 CHECK (cas_order >= 0), "
                + "deadline INTERVAL NOT NULL DEFAULT '0', "
                + "expr TEXT NOT NULL DEFAULT '', "
                + "extras BOOL NOT NULL DEFAULT false, "
                + "ignore BOOL NOT NULL DEFAULT false, "
                + "src_name TEXT NOT NULL DEFAULT '', "
                + "PRIMARY KEY (target_db, target_schema, target_table, target_column))";
    }

    /** Parameter: the qualified table as text. Returns one boolean. */
    String relationExists() {
        return "SELECT to_regclass(?) IS NOT NULL";
    }

    /** The deadline comes as microseconds. No parameters. */
    String selectApplyConfig(String table) {
        return "SELECT target_db, target_schema, target_table, "
                + "target_column, cas_order, (EXTRACT(EPOCH FROM deadline) * 1000000)::BIGINT, expr, extras, "
                + "ignore, src_name FROM " + table
                + " ORDER BY target_db, target_schema, target_table, target_column";
    }

    // logical replication positions

    String createPositions(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (loop_name TEXT PRIMARY KEY, position TEXT NOT NULL, commit_time TIMESTAMPTZ NOT NULL,"
                + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now())";
    }

    String createLoops(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (loop_name TEXT PRIMARY KEY, target_db TEXT NOT NULL,"
                + " claimed_at TIMESTAMPTZ NOT NULL DEFAULT now())";
    }

    /** Parameters: loop name, target database; a name already recorded keeps its database. */
    String claimLoop(String table) {
        return "INSERT INTO " + table + " (loop_name, target_db) VALUES (?, ?) ON CONFLICT (loop_name) DO NOTHING";
    }

    /** Parameter: loop name. */
    String selectLoop(String table) {
        return "SELECT target_db FROM " + table + " WHERE loop_name = ?";
    }

    /** Parameter: loop name. */
    String selectPosition(String table) {
        return "SELECT position, commit_time FROM " + table + " WHERE loop_name = ?";
    }

    /** Parameters: loop name, position, commit time. */
    String upsertPosition(String table) {
        return "INSERT INTO " + table
                + " (loop_name, position, commit_time, updated_at) VALUES (?, ?, ?, now())"
                + " ON CONFLICT (loop_name) DO UPDATE SET position = excluded.position,"
                + " commit_time = excluded.commit_time, updated_at = excluded.updated_at";
    }

    // loads

    List<String> createLoads(String loads, String chunks) {
        return List.of("CREATE TABLE IF NOT EXISTS " + loads + " (loop_name TEXT PRIMARY KEY,"
                        + " tables TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                        + " finished_at TIMESTAMPTZ)",
                "CREATE TABLE IF NOT EXISTS " + chunks + " (loop_name TEXT NOT NULL,"
                        + " chunk INT NOT NULL, table_schema TEXT NOT NULL, table_name TEXT NOT NULL,"
                        + " after_key TEXT[], up_to_key TEXT[], rows BIGINT NOT NULL DEFAULT 0,"
                        + " copied_at TIMESTAMPTZ, PRIMARY KEY (loop_name, chunk))");
    }

    /** Parameter: loop name. */
    String selectLoad(String loads) {
        return "SELECT tables, started_at, finished_at FROM " + loads + " WHERE loop_name = ?";
    }

    /** Parameter: loop name. The keys come as arrays ({@link #arrays}) or as encoded text. */
    String selectChunks(String chunks) {
        return "SELECT chunk, table_schema, table_name, after_key, up_to_key, rows, copied_at IS NOT NULL FROM "
                + chunks + " WHERE loop_name = ? ORDER BY chunk";
    }

    /** Parameter: loop name. */
    String deleteChunks(String chunks) {
        return "DELETE FROM " + chunks + " WHERE loop_name = ?";
    }

    /** Parameters: loop name, tables. */
    String upsertLoad(String loads) {
        return "INSERT INTO " + loads + " (loop_name, tables, started_at, finished_at) VALUES (?, ?, now(), NULL)"
                + " ON CONFLICT (loop_name) DO UPDATE SET tables = excluded.tables,"
                + " started_at = excluded.started_at, finished_at = NULL";
    }

    /** Parameters: loop name, chunk, table schema, table name, after key, up-to key. */
    String insertChunk(String chunks) {
        return "INSERT INTO " + chunks
                + " (loop_name, chunk, table_schema, table_name, after_key, up_to_key) VALUES (?, ?, ?, ?, ?, ?)";
    }

    /** Parameters: rows, loop name, chunk. */
    String chunkCopied(String chunks) {
        return "UPDATE " + chunks + " SET rows = ?, copied_at = now() WHERE loop_name = ? AND chunk = ?";
    }

    /** Parameter: loop name. */
    String loadFinished(String loads) {
        return "UPDATE " + loads + " SET finished_at = now() WHERE loop_name = ?";
    }

    // JWT keys

    String createJwtKeys(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "id UUID PRIMARY KEY DEFAULT gen_random_uuid(), "
                + "public_key TEXT NOT NULL, "
                + "active BOOL NOT NULL DEFAULT true)";
    }

    String createJwtRevoked(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY)";
    }

    /** No parameters. */
    String selectActiveJwtKeys(String table) {
        return "SELECT id::TEXT, public_key FROM " + table + " WHERE active ORDER BY id";
    }

    /** No parameters. */
    String selectRevokedIds(String table) {
        return "SELECT id FROM " + table;
    }
}
