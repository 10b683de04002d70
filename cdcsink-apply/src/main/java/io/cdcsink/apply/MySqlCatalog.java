package io.cdcsink.apply;

import io.cdcsink.api.TableName;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.ForeignKeyGraph;
import io.cdcsink.engine.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads table shapes and foreign keys of a MySQL or MariaDB target from {@code information_schema}, where cdc-sink's
 * schema part is the MySQL database ({@code table_schema}). A column's type is its {@code column_type}
 * ({@code int(10) unsigned}, {@code enum('a','b')}, {@code datetime(6)}), which {@link MySqlValues} parses; MariaDB's
 * JSON (a LONGTEXT with a {@code json_valid} check) is reported as {@code json}. Generated columns
 * ({@code VIRTUAL GENERATED}, {@code STORED GENERATED}, MariaDB's {@code PERSISTENT GENERATED}) are never written;
 * {@code auto_increment} columns are written like any other, with a default.
 */
final class MySqlCatalog {
    private static final String COLUMNS_SQL = """
            SELECT t.table_name, c.column_name, c.column_type, c.data_type, c.is_nullable, c.column_default,
                   c.extra
              FROM information_schema.tables t
              LEFT JOIN information_schema.columns c
                ON c.table_schema = t.table_schema AND c.table_name = t.table_name
             WHERE t.table_schema = ? AND t.table_name = ? AND t.table_type = 'BASE TABLE'
             ORDER BY c.ordinal_position""";

    private static final String PRIMARY_KEY_SQL = """
            SELECT column_name FROM information_schema.key_column_usage
             WHERE table_schema = ? AND table_name = ? AND constraint_name = 'PRIMARY'
             ORDER BY ordinal_position""";

    /** MariaDB's JSON columns: a check {@code json_valid(`col`)} on a LONGTEXT. */
    private static final String JSON_CHECKS_SQL = """
            SELECT check_clause FROM information_schema.check_constraints
             WHERE constraint_schema = ? AND table_name = ?""";

    /** The base tables of a database (cdc-sink's schema part), by name; parameter: the database. */
    static final String TABLES_SQL = """
            SELECT table_name FROM information_schema.tables
             WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name""";

    private static final String FOREIGN_KEYS_SQL = """
            SELECT k.constraint_name, k.table_schema, k.table_name, k.referenced_table_schema,
                   k.referenced_table_name, k.column_name, k.referenced_column_name
              FROM information_schema.key_column_usage k
              JOIN information_schema.referential_constraints r
                ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
               AND r.table_name = k.table_name
             WHERE k.referenced_table_name IS NOT NULL
             ORDER BY k.table_schema, k.table_name, k.constraint_name, k.ordinal_position""";

    private MySqlCatalog() {
    }

    /** The table's shape, or empty when {@code table.schema()} (the MySQL database) has no such table. */
    static Optional<TableInfo> table(Connection c, TableName table) throws SQLException {
        List<ColumnInfo> columns = null;
        Map<String, Integer> key = primaryKey(c, table);
        Set<String> json = jsonColumns(c, table);
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (columns == null) {
                        columns = new ArrayList<>();
                    }
                    String name = rs.getString("column_name");
                    if (name == null) {
                        continue;
                    }
                    String extra = rs.getString("extra") == null ? "" : rs.getString("extra").toUpperCase();
                    String dataType = rs.getString("data_type").toLowerCase();
                    boolean isJson = dataType.equals("json") || json.contains(name);
                    String type = isJson ? "json" : rs.getString("column_type").toLowerCase();
                    boolean generated = extra.contains("GENERATED") && !extra.contains("DEFAULT_GENERATED");
                    boolean hasDefault = rs.getString("column_default") != null || extra.contains("AUTO_INCREMENT")
                            || extra.contains("DEFAULT_GENERATED");
                    columns.add(new ColumnInfo(name, type, key.getOrDefault(name, 0), generated, hasDefault,
                            "YES".equals(rs.getString("is_nullable")), isJson));
                }
            }
        }
        return columns == null ? Optional.empty() : Optional.of(new TableInfo(table, columns));
    }

    private static Map<String, Integer> primaryKey(Connection c, TableName table) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), out.size() + 1);
                }
            }
        }
        return out;
    }

    private static Set<String> jsonColumns(Connection c, TableName table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(JSON_CHECKS_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String clause = rs.getString(1).trim();
                    if (clause.startsWith("json_valid(`") && clause.endsWith("`)")) {
                        out.add(clause.substring("json_valid(`".length(), clause.length() - 2).replace("``", "`"));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The foreign keys the server's databases hold (cdc-sink's schemas: one connection sees them all, as PostgreSQL's
     * reader sees every schema of its database), named as tables of {@code database}. MySQL checks them row by row
     * and never defers them.
     */
    static ForeignKeyGraph foreignKeys(Connection c, String database) throws SQLException {
        record Key(String name, String schema, String table, String parentSchema, String parent) {
        }
        Map<Key, List<String[]>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FOREIGN_KEYS_SQL)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(new Key(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(6), rs.getString(7)});
                }
            }
        }
        List<ForeignKeyGraph.ForeignKey> keys = new ArrayList<>();
        columns.forEach((k, cols) -> keys.add(new ForeignKeyGraph.ForeignKey(k.name(),
                new TableName(database, k.schema(), k.table()), cols.stream().map(p -> p[0]).toList(),
                new TableName(database, k.parentSchema(), k.parent()), cols.stream().map(p -> p[1]).toList(),
                false)));
        return keys.isEmpty() ? ForeignKeyGraph.EMPTY : new ForeignKeyGraph(keys);
    }
}
