package io.cdcsink.metadata;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * MySQL and MariaDB (tested on MariaDB 10.11; MySQL 8 is not run here, the SQL avoids what it lacks: no
 * {@code RETURNING}, no {@code GENERATED AS IDENTITY}). The metadata schema is a database of its own on the server.
 *
 * <ul>
 *   <li>Locks are row locks, released at commit or rollback like PostgreSQL's transaction advisory locks (MySQL's
 *       {@code GET_LOCK} belongs to the session and would outlive a failed transaction on a pooled connection).
 *       A mark locks its schema's row of {@value #LOCKS} with {@code INSERT ... ON DUPLICATE KEY UPDATE}, which
 *       creates the row if needed and holds it exclusively in one statement (an insert of a duplicate followed by
 *       {@code SELECT ... FOR UPDATE} would take a shared lock first, and two such transactions deadlock). The
 *       resolver locks the oldest pending row with {@code FOR UPDATE NOWAIT}, as on CockroachDB; a competitor gets
 *       error 1205 (MariaDB) or 3572 (MySQL) and backs off.</li>
 *   <li>DDL commits by itself, so it runs one statement at a time; {@code IF NOT EXISTS} makes concurrent creators
 *       harmless.</li>
 *   <li>A {@code TEXT} column cannot be a key: names are {@value #NAME}, 64 characters being MySQL's identifier
 *       limit, binary-collated so that names compare case-sensitively as on PostgreSQL; loop names
 *       {@value #LOOP}. Times are {@code DATETIME(6)} in UTC (every session runs in UTC) written with
 *       {@code UTC_TIMESTAMP(6)}.</li>
 *   <li>{@code key}, {@code ignore}, {@code rows}, {@code sqlstate} are reserved words and quoted.</li>
 * </ul>
 */
final class MySqlMetadataSql extends MetadataSql {
    /** The type of a schema, table or column name, and of other short keys. */
    static final String NAME = "VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    /** The type of a loop name. */
    static final String LOOP = "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    /** Long text, binary-collated so that comparisons and grouping see the characters. */
    static final String TEXT = "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    private static final String NOW = "UTC_TIMESTAMP(6)";
    private static final String TABLE_OPTIONS = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

    /** ER_LOCK_WAIT_TIMEOUT: MariaDB's answer to {@code NOWAIT}. */
    static final int LOCK_WAIT_TIMEOUT = 1205;
    /** ER_LOCK_NOWAIT: MySQL 8's answer to {@code NOWAIT}. */
    static final int LOCK_NOWAIT = 3572;

    @Override
    Optional<String> exclusiveLock(String lockTable) {
        return Optional.of("INSERT INTO " + lockTable + " (lock_key) VALUES (?) "
                + "ON DUPLICATE KEY UPDATE lock_key = lock_key");
    }

    @Override
    List<String> createLocks(String table) {
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (lock_key BIGINT PRIMARY KEY)" + TABLE_OPTIONS);
    }

    @Override
    Optional<String> tryExclusiveLock() {
        return Optional.empty();
    }

    @Override
    String oldestPending(String pendingTable) {
        return oldestPendingNoWait(pendingTable);
    }

    @Override
    boolean lockNotAvailable(SQLException e) {
        return e.getErrorCode() == LOCK_WAIT_TIMEOUT || e.getErrorCode() == LOCK_NOWAIT;
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    @Override
    String generatedId() {
        return "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
    }

    @Override
    boolean arrays() {
        return false;
    }

    @Override
    String anyOf(String column, int n) {
        return column + " IN (" + String.join(", ", Collections.nCopies(n, "?")) + ")";
    }

    @Override
    boolean insertReturns() {
        return false;
    }

    @Override
    boolean relationByParts() {
        return true;
    }

    /** As UTC wall-clock time, whatever the JVM's time zone: the columns are {@code DATETIME(6)} in UTC. */
    @Override
    void bindTime(PreparedStatement ps, int index, Instant time) throws SQLException {
        ps.setObject(index, LocalDateTime.ofInstant(time, ZoneOffset.UTC));
    }

    @Override
    Instant readTime(ResultSet rs, int index) throws SQLException {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    // resolved timestamps

    @Override
    String createPendingTimestamps(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema " + NAME + " NOT NULL, nanos BIGINT NOT NULL, "
                + "logical INT NOT NULL, applied_at DATETIME(6) NULL, PRIMARY KEY (target_schema, nanos, logical))"
                + TABLE_OPTIONS;
    }

    @Override
    String createTimestamps(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (target_schema " + NAME + " PRIMARY KEY, "
                + "nanos BIGINT NOT NULL, logical INT NOT NULL, applied_at DATETIME(6) NOT NULL)" + TABLE_OPTIONS;
    }

    @Override
    String markPendingApplied(String pendingTable) {
        return "UPDATE " + pendingTable + " SET applied_at = " + NOW
                + " WHERE target_schema = ? AND nanos = ? AND logical = ?";
    }

    @Override
    String upsertTimestamp(String timestamps) {
        return "INSERT INTO " + timestamps + " (target_schema, nanos, logical, applied_at) VALUES (?, ?, ?, " + NOW
                + ") ON DUPLICATE KEY UPDATE nanos = VALUES(nanos), logical = VALUES(logical), "
                + "applied_at = VALUES(applied_at)";
    }

    // dead_letters

    @Override
    List<String> createDeadLetters(String table, String index) {
        // The index holds the first 255 characters of a key: enough to find a key's letters, within InnoDB's limit.
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (" + generatedId() + ", "
                + "target_schema " + NAME + " NOT NULL, target_table " + NAME + " NOT NULL, `key` " + TEXT
                + " NOT NULL, nanos BIGINT NOT NULL, logical INT NOT NULL, mutation " + TEXT + " NULL, "
                + "format VARCHAR(16) NOT NULL, error " + TEXT + " NOT NULL, `sqlstate` VARCHAR(16) NULL, "
                + "dead_at DATETIME(6) NOT NULL DEFAULT (" + NOW + "), "
                + "INDEX " + index + " (target_schema, target_table, `key`(255)))" + TABLE_OPTIONS);
    }

    @Override
    String insertDeadLetter(String table) {
        return "INSERT INTO " + table + " (target_schema, target_table, `key`, nanos, logical, mutation, format, "
                + "error, `sqlstate`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    @Override
    String keysWithDeadLetters(String table, int n) {
        return "SELECT DISTINCT `key` FROM " + table + " WHERE target_schema = ? AND target_table = ? AND "
                + anyOf("`key`", n);
    }

    @Override
    String listDeadLetters(String table, String where) {
        return "SELECT id, target_schema, target_table, `key`, nanos, logical, mutation, format, error, `sqlstate`, "
                + "dead_at FROM " + table + " WHERE " + where + " ORDER BY id";
    }

    // apply_config

    /**
     * The deadline is a {@code TIME(6)} (MySQL has no interval type): {@code '00:00:30'}, {@code '00:05:00.5'}, up
     * to 838:59:59, never negative.
     */
    @Override
    String createApplyConfig(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "target_db " + NAME + " NOT NULL CHECK (CHAR_LENGTH(target_db) > 0), "
                + "target_schema " + NAME + " NOT NULL CHECK (CHAR_LENGTH(target_schema) > 0), "
                + "target_table " + NAME + " NOT NULL CHECK (CHAR_LENGTH(target_table) > 0), "
                + "target_column " + NAME + " NOT NULL CHECK (CHAR_LENGTH(target_column) > 0), "
                + "cas_order INT NOT NULL DEFAULT 0 CHECK (cas_order >= 0), "
                + "deadline TIME(6) NOT NULL DEFAULT '00:00:00' CHECK (deadline >= '00:00:00'), "
                + "expr " + TEXT + " NOT NULL DEFAULT (''), "
                + "extras BOOL NOT NULL DEFAULT false, "
                + "`ignore` BOOL NOT NULL DEFAULT false, "
                + "src_name " + NAME + " NOT NULL DEFAULT '', "
                + "PRIMARY KEY (target_db, target_schema, target_table, target_column))" + TABLE_OPTIONS;
    }

    @Override
    String relationExists() {
        return "SELECT COUNT(*) > 0 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
    }

    @Override
    String selectApplyConfig(String table) {
        return "SELECT target_db, target_schema, target_table, target_column, cas_order, "
                + "CAST(TIME_TO_SEC(deadline) AS SIGNED) * 1000000 + MICROSECOND(deadline), expr, extras, "
                + "`ignore`, src_name FROM " + table
                + " ORDER BY target_db, target_schema, target_table, target_column";
    }

    // logical replication positions

    @Override
    String createPositions(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (loop_name " + LOOP + " PRIMARY KEY, position " + TEXT
                + " NOT NULL, commit_time DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL DEFAULT (" + NOW + "))"
                + TABLE_OPTIONS;
    }

    @Override
    String createLoops(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (loop_name " + LOOP + " PRIMARY KEY, target_db " + NAME
                + " NOT NULL, claimed_at DATETIME(6) NOT NULL DEFAULT (" + NOW + "))" + TABLE_OPTIONS;
    }

    @Override
    String claimLoop(String table) {
        // Not INSERT IGNORE, which would also turn a value error into a warning.
        return "INSERT INTO " + table + " (loop_name, target_db) VALUES (?, ?)"
                + " ON DUPLICATE KEY UPDATE loop_name = loop_name";
    }

    @Override
    String upsertPosition(String table) {
        return "INSERT INTO " + table + " (loop_name, position, commit_time, updated_at) VALUES (?, ?, ?, " + NOW
                + ") ON DUPLICATE KEY UPDATE position = VALUES(position), commit_time = VALUES(commit_time), "
                + "updated_at = VALUES(updated_at)";
    }

    // loads: a key is its values as one line of tab-separated escaped text (see SqlLoads), NULL for none

    @Override
    List<String> createLoads(String loads, String chunks) {
        return List.of("CREATE TABLE IF NOT EXISTS " + loads + " (loop_name " + LOOP + " PRIMARY KEY, tables "
                        + TEXT + " NOT NULL, started_at DATETIME(6) NOT NULL DEFAULT (" + NOW + ")"
                        + ", finished_at DATETIME(6) NULL)" + TABLE_OPTIONS,
                "CREATE TABLE IF NOT EXISTS " + chunks + " (loop_name " + LOOP + " NOT NULL, chunk INT NOT NULL, "
                        + "table_schema " + NAME + " NOT NULL, table_name " + NAME + " NOT NULL, after_key " + TEXT
                        + " NULL, up_to_key " + TEXT + " NULL, `rows` BIGINT NOT NULL DEFAULT 0, "
                        + "copied_at DATETIME(6) NULL, PRIMARY KEY (loop_name, chunk))" + TABLE_OPTIONS);
    }

    @Override
    String selectChunks(String chunks) {
        return "SELECT chunk, table_schema, table_name, after_key, up_to_key, `rows`, copied_at IS NOT NULL FROM "
                + chunks + " WHERE loop_name = ? ORDER BY chunk";
    }

    @Override
    String upsertLoad(String loads) {
        return "INSERT INTO " + loads + " (loop_name, tables, started_at, finished_at) VALUES (?, ?, " + NOW
                + ", NULL) ON DUPLICATE KEY UPDATE tables = VALUES(tables), started_at = VALUES(started_at), "
                + "finished_at = NULL";
    }

    @Override
    String chunkCopied(String chunks) {
        return "UPDATE " + chunks + " SET `rows` = ?, copied_at = " + NOW + " WHERE loop_name = ? AND chunk = ?";
    }

    @Override
    String loadFinished(String loads) {
        return "UPDATE " + loads + " SET finished_at = " + NOW + " WHERE loop_name = ?";
    }

    // JWT keys

    /** The id is a UUID as text; MySQL 8.0.13+ and MariaDB 10.2+ take an expression as a default. */
    @Override
    String createJwtKeys(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (id CHAR(36) CHARACTER SET ascii PRIMARY KEY "
                + "DEFAULT (UUID()), public_key " + TEXT + " NOT NULL, active BOOL NOT NULL DEFAULT true)"
                + TABLE_OPTIONS;
    }

    @Override
    String createJwtRevoked(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (id " + LOOP + " PRIMARY KEY)" + TABLE_OPTIONS;
    }

    @Override
    String selectActiveJwtKeys(String table) {
        return "SELECT id, public_key FROM " + table + " WHERE active ORDER BY id";
    }
}
