package io.cdcsink.api.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A key claimed once in a table of the target: the first claim records its holder, every later one reads the holder
 * back. What cdc-sink keeps per key where several databases or schemas share one table (a log-based loop's position,
 * a cloud-storage source's progress) is claimed this way, so that a second user of the key is refused instead of
 * sharing it.
 */
public final class Claims {
    private Claims() {
    }

    /**
     * Claims {@code key} for {@code holder}, in auto-commit.
     *
     * @param insertIfAbsent inserts (key, holder), leaving a row the key already has as it is
     * @param select         the holder recorded for the key (one parameter, the key)
     * @return the holder recorded for the key: {@code holder}, unless another claimed the key first
     */
    public static String claim(Connection c, String insertIfAbsent, String select, String key, String holder)
            throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement insert = c.prepareStatement(insertIfAbsent)) {
            insert.setString(1, key);
            insert.setString(2, holder);
            insert.executeUpdate();
        }
        try (PreparedStatement read = c.prepareStatement(select)) {
            read.setString(1, key);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? rs.getString(1) : holder;
            }
        }
    }
}
