package io.cdcsink.mysql;

import io.cdcsink.api.TableName;
import io.cdcsink.api.preflight.TableConstraints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Describes the source tables mylogical replicates, from {@code information_schema}, for preflight's comparison
 * with the target.
 */
final class MySqlSourceCatalog {
    private static final String SYSTEM = "('mysql', 'information_schema', 'performance_schema', 'sys')";

    private static final String COLUMNS = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE,"
            + " c.DATA_TYPE, c.IS_NULLABLE"
            + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
            + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
            + " WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA NOT IN " + SYSTEM
            + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";

    private static final String INDEXES = "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME"
            + " FROM information_schema.STATISTICS WHERE NON_UNIQUE = 0 AND TABLE_SCHEMA NOT IN " + SYSTEM
            + " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

    private static final String CHECKS = "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME"
            + " FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_TYPE = 'CHECK'"
            + " AND TABLE_SCHEMA NOT IN " + SYSTEM;

    private MySqlSourceCatalog() {
    }

    private record Column(String name, String type, String dataType, boolean nullable) {
    }

    /**
     * The replicated source tables, each mapped to {@code targetDatabase.targetSchema.<table>}.
     *
     * @param replicates which source databases are replicated ({@code --sourceDatabase})
     */
    static List<io.cdcsink.api.preflight.SourceTable> tables(Connection conn, Predicate<String> replicates,
                                                              String targetDatabase, String targetSchema)
            throws SQLException {
        Map<String, List<Column>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(COLUMNS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (replicates.test(rs.getString(1))) {
                    columns.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>())
                            .add(new Column(rs.getString(3), rs.getString(4), rs.getString(5),
                                    "YES".equals(rs.getString(6))));
                }
            }
        }
        Map<String, Map<String, List<String>>> indexes = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(INDEXES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                indexes.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new LinkedHashMap<>())
                        .computeIfAbsent(rs.getString(3), k -> new ArrayList<>()).add(rs.getString(4));
            }
        }
        Map<String, List<TableConstraints.Check>> checks = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(CHECKS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                checks.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>())
                        .add(new TableConstraints.Check(rs.getString(3), ""));
            }
        }
        List<io.cdcsink.api.preflight.SourceTable> out = new ArrayList<>();
        for (Map.Entry<String, List<Column>> table : columns.entrySet()) {
            Map<String, List<String>> keys = indexes.getOrDefault(table.getKey(), Map.of());
            List<String> primary = keys.getOrDefault("PRIMARY", List.of());
            List<TableConstraints.UniqueKey> uniques = new ArrayList<>();
            keys.forEach((name, cols) -> {
                if (!"PRIMARY".equals(name)) {
                    uniques.add(new TableConstraints.UniqueKey(name, cols, true));
                }
            });
            List<io.cdcsink.api.preflight.SourceColumn> cols = new ArrayList<>();
            for (Column c : table.getValue()) {
                cols.add(new io.cdcsink.api.preflight.SourceColumn(c.name(), c.type(), targetType(c.type(),
                        c.dataType()), c.nullable(), primary.indexOf(c.name()) + 1));
            }
            String name = table.getKey().substring(table.getKey().indexOf('.') + 1);
            out.add(new io.cdcsink.api.preflight.SourceTable(table.getKey(),
                    new TableName(targetDatabase, targetSchema, name), cols,
                    new TableConstraints(List.of(), uniques, checks.getOrDefault(table.getKey(), List.of()))));
        }
        return out;
    }

    /** The PostgreSQL type docs/mylogical.md suggests for a MySQL column, for suggested DDL. */
    static String targetType(String columnType, String dataType) {
        String type = columnType.toLowerCase(Locale.ROOT);
        boolean unsigned = type.contains("unsigned");
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "tinyint", "year" -> "smallint";
            case "smallint" -> unsigned ? "integer" : "smallint";
            case "mediumint" -> "integer";
            case "int", "integer" -> unsigned ? "bigint" : "integer";
            case "bigint" -> unsigned ? "numeric(20)" : "bigint";
            case "decimal", "numeric" -> "numeric" + modifier(type);
            case "float" -> "real";
            case "double", "real" -> "double precision";
            case "bit" -> "varbit";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> "bytea";
            case "date" -> "date";
            case "datetime" -> "timestamp";
            case "timestamp" -> "timestamptz";
            case "time" -> "interval";
            case "json" -> "jsonb";
            default -> "text";
        };
    }

    private static String modifier(String type) {
        int open = type.indexOf('(');
        int close = type.indexOf(')', open + 1);
        return open < 0 || close < 0 ? "" : type.substring(open, close + 1);
    }
}
