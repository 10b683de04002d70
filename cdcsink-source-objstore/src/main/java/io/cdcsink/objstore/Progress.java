package io.cdcsink.objstore;

import io.cdcsink.api.sql.Claims;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How far a source got, kept in the target ({@code _cdc_sink.objstore_progress}), one row per source URL: the last
 * file processed and the last resolved file processed. Every file after the resolved one is read again after a
 * restart (staging ignores a row it already has), because CockroachDB may write a row file that sorts before one
 * already read until the next resolved file.
 *
 * <p>On a MySQL target (told by the connection's product name: a source sees only a {@link DataSource}) the schema is
 * a database of the server, the source URL a binary-collated {@code VARCHAR(768)} (a key of InnoDB holds at most 3072
 * bytes, four per character) and the times {@code DATETIME(6)} in UTC.
 */
final class Progress {
    static final String TABLE = "_cdc_sink.objstore_progress";
    /** The target schema each source URL is read into: see {@link #claim}. */
    static final String TARGETS = "_cdc_sink.objstore_targets";

    /** @param lastFile the last file processed; @param resolvedFile the last resolved file processed */
    record Position(Optional<String> lastFile, Optional<String> resolvedFile) {
    }

    private final DataSource db;
    private final String source;

    Progress(DataSource db, String source) {
        this.db = db;
        this.source = source;
    }

    /** The longest source URL a MySQL target stores. */
    static final int MYSQL_MAX_URL = 768;

    void createIfMissing() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS _cdc_sink");
            s.execute(mysql(c)
                    ? "CREATE TABLE IF NOT EXISTS " + TABLE + " (source_url VARCHAR(" + MYSQL_MAX_URL + ") CHARACTER SET"
                    + " utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY, last_file LONGTEXT NOT NULL, resolved_file LONGTEXT,"
                    + " updated_at DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))) ENGINE=InnoDB"
                    + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
                    : "CREATE TABLE IF NOT EXISTS " + TABLE + " (source_url TEXT PRIMARY KEY,"
                    + " last_file TEXT NOT NULL, resolved_file TEXT, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            s.execute(mysql(c)
                    ? "CREATE TABLE IF NOT EXISTS " + TARGETS + " (source_url VARCHAR(" + MYSQL_MAX_URL + ") CHARACTER"
                    + " SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY, target_schema LONGTEXT NOT NULL,"
                    + " claimed_at DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))) ENGINE=InnoDB"
                    + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
                    : "CREATE TABLE IF NOT EXISTS " + TARGETS + " (source_url TEXT PRIMARY KEY,"
                    + " target_schema TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
    }

    /**
     * Records, once, the target schema this source is read into, and refuses another: the progress row is the
     * source URL's, so two commands reading one source into two schemas whose progress shares a table (two schemas of
     * one database; on MySQL, two databases of one server) would read and overwrite each other's progress and skip
     * each other's files.
     *
     * @throws IllegalArgumentException when the source is recorded for another schema (one line saying what to do)
     */
    void claim(String targetSchema) throws SQLException {
        String holder;
        try (Connection c = db.getConnection()) {
            String insert = "INSERT INTO " + TARGETS + " (source_url, target_schema) VALUES (?, ?)"
                    + (mysql(c) ? " ON DUPLICATE KEY UPDATE source_url = source_url"
                    : " ON CONFLICT (source_url) DO NOTHING");
            holder = Claims.claim(c, insert, "SELECT target_schema FROM " + TARGETS + " WHERE source_url = ?", source,
                    targetSchema);
        }
        if (!holder.equals(targetSchema)) {
            throw new IllegalArgumentException("--source " + source + " is already read into " + holder + " on this"
                    + " target, whose progress this command would share (" + TABLE + "): read a changefeed into one"
                    + " schema per target (give another schema its own changefeed or prefix), or delete the source's"
                    + " row of " + TARGETS + " if the other command is gone for good");
        }
    }

    /** True when the connection is to MySQL or MariaDB. */
    static boolean mysql(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return product.contains("MySQL") || product.contains("MariaDB");
    }

    Position load() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT last_file, resolved_file FROM " + TABLE + " WHERE source_url = ?")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new Position(Optional.empty(), Optional.empty());
                }
                return new Position(Optional.of(rs.getString(1)), Optional.ofNullable(rs.getString(2)));
            }
        }
    }

    void save(String lastFile, Optional<String> resolvedFile) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(mysql(c)
                ? "INSERT INTO " + TABLE + " (source_url, last_file, resolved_file) VALUES (?, ?, ?) ON DUPLICATE KEY"
                + " UPDATE last_file = VALUES(last_file), resolved_file = VALUES(resolved_file),"
                + " updated_at = UTC_TIMESTAMP(6)"
                : "INSERT INTO " + TABLE + " (source_url, last_file, resolved_file) VALUES (?, ?, ?) ON CONFLICT"
                + " (source_url) DO UPDATE SET last_file = excluded.last_file, resolved_file = excluded.resolved_file,"
                + " updated_at = now()")) {
            s.setString(1, source);
            s.setString(2, lastFile);
            s.setString(3, resolvedFile.orElse(null));
            s.executeUpdate();
        }
    }
}
