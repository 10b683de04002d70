package io.cdcsink.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a table in two PostgreSQL databases cell by cell, each value as its type's output function prints it:
 * the source is the oracle of a replication test, not what the test meant to write.
 */
public final class TableDiff {
    private TableDiff() {
    }

    /** Every row of a query on {@code c}, each column as the driver's text of it (null for SQL NULL). */
    public static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /**
     * Every difference between the table in {@code sourceUrl} and in {@code targetUrl} (JDBC URLs), each naming the
     * table, the row's key, the column and both values: rows keyed by the text of {@code keyColumns}, compared on
     * {@code columns}. Empty when the two hold the same rows.
     */
    public static List<String> differences(String sourceUrl, String targetUrl, String table, List<String> keyColumns,
                                           List<String> columns) throws SQLException {
        Map<String, List<String>> want = read(sourceUrl, table, keyColumns, columns);
        Map<String, List<String>> got = read(targetUrl, table, keyColumns, columns);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> row : want.entrySet()) {
            List<String> other = got.get(row.getKey());
            if (other == null) {
                out.add(table + " " + row.getKey() + ": missing in the target");
                continue;
            }
            for (int i = 0; i < columns.size(); i++) {
                if (!Objects.equals(row.getValue().get(i), other.get(i))) {
                    out.add(table + " " + row.getKey() + " " + columns.get(i) + ": source "
                            + shown(row.getValue().get(i)) + ", target " + shown(other.get(i)));
                }
            }
        }
        for (String key : got.keySet()) {
            if (!want.containsKey(key)) {
                out.add(table + " " + key + ": in the target only");
            }
        }
        return out;
    }

    private static Map<String, List<String>> read(String url, String table, List<String> keyColumns,
                                                  List<String> columns) throws SQLException {
        List<String> all = new ArrayList<>(keyColumns);
        all.addAll(columns);
        // No casts: the simple query protocol returns every value as its type's output function prints it (a ::text
        // cast is not always that: xml's is a binary coercion that keeps a declaration xml_out leaves out).
        String sql = "SELECT " + String.join(", ", all) + " FROM " + table;
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                + "preferQueryMode=simple"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> key = new ArrayList<>();
                for (int i = 0; i < keyColumns.size(); i++) {
                    key.add(rs.getString(i + 1));
                }
                List<String> values = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.add(rs.getString(keyColumns.size() + i + 1));
                }
                out.put(String.join("|", key), values);
            }
        }
        return out;
    }

    /** A value as a message shows it: long ones by length and hash. */
    static String shown(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.length() > 120) {
            return "<" + value.length() + " chars, hash " + Integer.toHexString(value.hashCode()) + ", starting "
                    + value.substring(0, 40) + ">";
        }
        return "'" + value + "'";
    }
}
