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

    void createIfMissing() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS _cdc_sink");
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (source_url TEXT PRIMARY KEY,"
                    + " last_file TEXT NOT NULL, resolved_file TEXT, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
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
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE
                + " (source_url, last_file, resolved_file) VALUES (?, ?, ?) ON CONFLICT (source_url) DO UPDATE"
                + " SET last_file = excluded.last_file, resolved_file = excluded.resolved_file, updated_at = now()")) {
            s.setString(1, source);
            s.setString(2, lastFile);
            s.setString(3, resolvedFile.orElse(null));
            s.executeUpdate();
        }
    }
}
