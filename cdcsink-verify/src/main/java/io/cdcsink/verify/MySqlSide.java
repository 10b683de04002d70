package io.cdcsink.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MySQL and MariaDB as a source: the session in UTC (so {@code TIMESTAMP} columns read as instants), decimals with
 * trailing zeros trimmed, text keys ordered by their bytes. Each MySQL database is a schema here.
 */
final class MySqlSide extends Side {
    @Override
    String name() {
        return "MySQL";
    }

    @Override
    String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    List<String> setup() {
        return List.of("SET time_zone = '+00:00'", "SET SESSION group_concat_max_len = 1073741824",
                "SET NAMES utf8mb4");
    }

    @Override
    String tablesSql() {
        return "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'"
                + " ORDER BY TABLE_NAME";
    }

    @Override
    TableShape shape(Connection c, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT),
                            rs.getString(3).toLowerCase(Locale.ROOT)));
                }
            }
        }
        List<String> key = strings(c, "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'"
                + " ORDER BY ORDINAL_POSITION", schema, table);
        return new TableShape(schema, table, columns, key);
    }

    private static boolean textual(Column c) {
        return switch (c.type()) {
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" -> true;
            default -> false;
        };
    }

    @Override
    String canonical(Column c, Kind kind) {
        String q = quote(c.name());
        return switch (kind) {
            case NUMBER -> switch (c.type()) {
                case "decimal" -> "(CASE WHEN LOCATE('.', CAST(" + q + " AS CHAR)) > 0 THEN TRIM(TRAILING '.' FROM"
                        + " TRIM(TRAILING '0' FROM CAST(" + q + " AS CHAR))) ELSE CAST(" + q + " AS CHAR) END)";
                case "bit" -> "CAST(" + q + " + 0 AS CHAR)";
                default -> "CAST(" + q + " AS CHAR)";
            };
            case FLOAT -> "REPLACE(CAST(" + q + " AS CHAR), 'e+', 'e')";
            case BOOLEAN -> "(CASE WHEN " + q + " <> 0 THEN '1' ELSE '0' END)";
            case BITS -> c.type().equals("bit") ? "LPAD(BIN(" + q + " + 0), " + bitWidth(c) + ", '0')"
                    : "CAST(" + q + " AS CHAR)";
            case DATE -> "DATE_FORMAT(" + q + ", '%Y-%m-%d')";
            case TIMESTAMP, TIMESTAMPTZ -> "DATE_FORMAT(" + q + ", '%Y-%m-%d %H:%i:%s.%f')";
            case BYTES -> "LOWER(HEX(" + q + "))";
            case JSON, TEXT -> "CAST(" + q + " AS CHAR)";
        };
    }

    private static int bitWidth(Column c) {
        String t = c.fullType();
        int open = t.indexOf('(');
        return open < 0 ? 1 : Integer.parseInt(t.substring(open + 1, t.indexOf(')', open)));
    }

    @Override
    String raw(Column c) {
        return c.type().equals("bit") ? "CAST(" + quote(c.name()) + " + 0 AS CHAR)"
                : "CAST(" + quote(c.name()) + " AS CHAR)";
    }

    @Override
    String order(Column c, Kind kind) {
        return textual(c) ? "BINARY " + quote(c.name()) : quote(c.name());
    }

    @Override
    String param(Column c, Kind kind) {
        return textual(c) ? "BINARY ?" : "?";
    }

    @Override
    String rowHash(List<String> canonical) {
        List<String> parts = new ArrayList<>(canonical.size());
        for (String e : canonical) {
            parts.add("COALESCE(CONCAT('v', " + e + "), 'n')");
        }
        return "MD5(CONCAT_WS(CHAR(31 USING utf8mb4), " + String.join(", ", parts) + "))";
    }

    @Override
    String chunkHash(String from, String orderBy) {
        return "SELECT COUNT(*), MD5(COALESCE(GROUP_CONCAT(h ORDER BY " + orderBy + " SEPARATOR ''), '')) FROM ("
                + from + ") AS s";
    }
}
