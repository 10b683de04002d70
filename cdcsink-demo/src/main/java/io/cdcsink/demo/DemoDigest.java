package io.cdcsink.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A table's row count and the md5 of all its rows' text forms in key order: equal digests mean equal tables.
 *
 * @param rows the row count
 * @param md5  the checksum
 */
record DemoDigest(long rows, String md5) {
    static DemoDigest of(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), coalesce(md5("
                + "string_agg(x::text, '|' ORDER BY x.id)), '') FROM \"" + table.replace("\"", "\"\"") + "\" x")) {
            rs.next();
            return new DemoDigest(rs.getLong(1), rs.getString(2));
        }
    }

    @Override
    public String toString() {
        return rows + " rows, md5 " + (md5.isEmpty() ? "-" : md5.substring(0, 12));
    }
}
