package io.cdcsink.objstore;

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
