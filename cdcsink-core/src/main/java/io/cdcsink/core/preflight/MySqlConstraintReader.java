package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.TableConstraints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a MySQL or MariaDB target table's foreign keys, unique keys and checks from {@code information_schema}, as
 * {@link io.cdcsink.api.preflight.PgConstraintReader} does from {@code pg_catalog}. A unique key is always an index
 * there. MariaDB stores a {@code JSON} column as {@code LONGTEXT} with a check {@code json_valid(column)} named after
 * the column: that check is the type, not a constraint of the user's, and is left out.
 */
final class MySqlConstraintReader {
    private static final String FOREIGN_KEYS = """
            SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME
              FROM information_schema.REFERENTIAL_CONSTRAINTS
             WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?
             ORDER BY CONSTRAINT_NAME""";

    private static final String UNIQUE_KEYS = """
            SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'
             ORDER BY INDEX_NAME, SEQ_IN_INDEX""";

    // MySQL 8 has no TABLE_NAME in CHECK_CONSTRAINTS: the checks are found through TABLE_CONSTRAINTS.
    private static final String CHECKS = """
            SELECT tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
              FROM information_schema.TABLE_CONSTRAINTS tc
              JOIN information_schema.CHECK_CONSTRAINTS cc
                ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
             WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK'
             ORDER BY tc.CONSTRAINT_NAME""";

    private static final String JSON_COLUMNS = """
            SELECT COLUMN_NAME FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_TYPE = 'longtext'""";

    private MySqlConstraintReader() {
    }

    /** The table's constraints; empty lists for a table that does not exist. {@code schema} names its database. */
    static TableConstraints read(Connection conn, String schema, String table) throws SQLException {
        List<TableConstraints.ForeignKey> fks = new ArrayList<>();
        for (String[] r : rows(conn, FOREIGN_KEYS, schema, table, 3)) {
            fks.add(new TableConstraints.ForeignKey(r[0], r[1] + "." + r[2], false));
        }
        Map<String, List<String>> uniques = new LinkedHashMap<>();
        for (String[] r : rows(conn, UNIQUE_KEYS, schema, table, 2)) {
            uniques.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
        }
        List<String> longtext = rows(conn, JSON_COLUMNS, schema, table, 1).stream().map(r -> r[0]).toList();
        List<TableConstraints.Check> checks = new ArrayList<>();
        for (String[] r : rows(conn, CHECKS, schema, table, 2)) {
            if (!jsonType(r[0], r[1], longtext)) {
                checks.add(new TableConstraints.Check(r[0], r[1]));
            }
        }
        List<TableConstraints.UniqueKey> keys = new ArrayList<>();
        uniques.forEach((name, columns) -> keys.add(new TableConstraints.UniqueKey(name, columns, true)));
        return new TableConstraints(fks, keys, checks);
    }

    /** MariaDB's check that makes a {@code LONGTEXT} column its {@code JSON} type. */
    static boolean jsonType(String name, String clause, List<String> longtextColumns) {
        if (!longtextColumns.contains(name) || clause == null) {
            return false;
        }
        String c = clause.replace(" ", "").replace("`", "").toLowerCase(java.util.Locale.ROOT);
        return c.equals("json_valid(" + name.toLowerCase(java.util.Locale.ROOT) + ")");
    }

    private static List<String[]> rows(Connection conn, String sql, String schema, String table, int columns)
            throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
