package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.api.ValueFormat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CockroachDB statements. How they differ from {@link PostgresApplySql}, and why:
 * <ul>
 *   <li>CockroachDB has a native {@code UPSERT}: it inserts missing rows and overwrites only the listed columns of
 *       existing ones, which is exactly the sparse-row rule, so no {@code ON CONFLICT} clause is needed.</li>
 *   <li>Tables are named with all three parts ({@code "db"."schema"."table"}); a CockroachDB connection can reach
 *       any database.</li>
 *   <li>Rows are bound as one placeholder per value inside a {@code VALUES} list, each cast to the column's type
 *       ({@code ?::INT8}); pgjdbc sends them as {@code $1, $2, ...}. {@code jsonb_populate_recordset} is not used
 *       because CockroachDB does not implement it for table types. Values are sent as text: JSON scalars as their
 *       plain text (numbers never in exponent form), JSON arrays for array columns as array literals
 *       ({@code {"a","b"}}), other objects/arrays as JSON text (for JSONB columns).</li>
 *   <li>A statement carries at most 65535 placeholders (a pgwire limit), so the chunk size shrinks for wide
 *       tables.</li>
 * </ul>
 * Deletes use {@code WHERE (k1,k2) IN ((?::T1,?::T2),...)} over every primary-key column, including a
 * hash-sharded index's computed shard column, which changefeed keys carry.
 */
final class CockroachApplySql implements ApplySql {
    static final int MAX_ROWS = 1000;
    static final int MAX_PLACEHOLDERS = 65535;

    private final TargetDialect dialect = TargetDialect.of(TargetDialect.Product.COCKROACHDB);
    private final JsonCodec json;
    private final ValueFormat format;

    CockroachApplySql(JsonCodec json) {
        this(json, ValueFormat.CHANGEFEED_JSON);
    }

    CockroachApplySql(JsonCodec json, ValueFormat format) {
        this.json = json;
        this.format = format;
    }

    @Override
    public int maxRowsPerStatement(int columnsPerRow) {
        return Math.max(1, Math.min(MAX_ROWS, MAX_PLACEHOLDERS / Math.max(1, columnsPerRow)));
    }

    String upsertSql(TableInfo table, List<ColumnInfo> columns, int rows) {
        String tuple = columns.stream().map(c -> "?::" + c.type()).collect(Collectors.joining(",", "(", ")"));
        return "UPSERT INTO " + dialect.qualify(table.name()) + " (" + list(columns) + ") VALUES "
                + String.join(",", java.util.Collections.nCopies(rows, tuple));
    }

    /**
     * The upsert under a configuration. Without expressions, CAS or deadlines it is {@link #upsertSql(TableInfo,
     * List, int)}. Otherwise the bound values form {@code d} ({@code VALUES} of the non-constant columns) and the
     * output applies expressions; with CAS or deadlines the statement is {@code WITH d, src, live, ins} and selects
     * the three counts, like {@link PostgresApplySql}. Placeholders: the row values, then one deadline in
     * microseconds per written deadline column in column-name order.
     */
    String upsertSql(TableInfo table, TableConfig config, List<ColumnInfo> columns, int rows) {
        boolean exprs = columns.stream().anyMatch(c -> config.expr(c.name()).isPresent());
        if (!exprs && !config.conditional()) {
            return upsertSql(table, columns, rows);
        }
        List<ColumnInfo> bound = bound(config, columns);
        String target = dialect.qualify(table.name());
        String names = list(columns);
        String values = values(bound, rows);
        if (!config.conditional()) {
            return "UPSERT INTO " + target + " (" + names + ") SELECT " + selectList(config, columns)
                    + " FROM (" + values + ") AS d (" + list(bound) + ")";
        }
        List<String> conditions = new ArrayList<>();
        for (String c : config.deadlines().keySet()) {
            conditions.add(columns.stream().anyMatch(col -> col.name().equals(c))
                    ? "src." + dialect.quote(c) + " > now() - ?::INT8 * '1 microsecond'::INTERVAL" : "false");
        }
        List<ColumnInfo> updated = columns.stream().filter(c -> !c.primaryKey()).toList();
        StringBuilder sql = new StringBuilder("WITH d (").append(list(bound)).append(") AS (").append(values)
                .append("), src AS (SELECT ").append(selectList(config, columns)).append(" FROM d), live AS (")
                .append("SELECT * FROM src")
                .append(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                .append("), ins AS (INSERT INTO ").append(target).append(" AS cur (").append(names)
                .append(") SELECT ").append(names).append(" FROM live ON CONFLICT (")
                .append(list(table.primaryKey())).append(")");
        if (updated.isEmpty()) {
            sql.append(" DO NOTHING");
        } else {
            sql.append(" DO UPDATE SET (").append(list(updated)).append(") = (")
                    .append(updated.stream().map(c -> "excluded." + dialect.quote(c.name()))
                            .collect(Collectors.joining(",")))
                    .append(")");
            if (!config.casColumns().isEmpty()) {
                List<String> incoming = new ArrayList<>();
                List<String> existing = new ArrayList<>();
                for (String c : config.casColumns()) {
                    incoming.add(columns.stream().anyMatch(col -> col.name().equals(c))
                            ? "excluded." + dialect.quote(c) : "NULL");
                    existing.add("cur." + dialect.quote(c));
                }
                sql.append(" WHERE (").append(String.join(",", incoming)).append(") > (")
                        .append(String.join(",", existing)).append(")");
            }
        }
        return sql.append(" RETURNING 1) SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM live),"
                + " (SELECT count(*) FROM ins)").toString();
    }

    String deleteSql(TableInfo table, int rows) {
        List<ColumnInfo> key = table.primaryKey();
        String tuple = key.stream().map(c -> "?::" + c.type()).collect(Collectors.joining(",", "(", ")"));
        return "DELETE FROM " + dialect.qualify(table.name()) + " WHERE (" + list(key) + ") IN ("
                + String.join(",", java.util.Collections.nCopies(rows, tuple)) + ")";
    }

    String deleteSql(TableInfo table, TableConfig config, int rows) {
        List<ColumnInfo> key = table.primaryKey();
        if (key.stream().noneMatch(c -> config.expr(c.name()).isPresent())) {
            return deleteSql(table, rows);
        }
        return "DELETE FROM " + dialect.qualify(table.name()) + " WHERE (" + list(key) + ") IN (SELECT "
                + selectList(config, key) + " FROM (" + values(key, rows) + ") AS d (" + list(key) + "))";
    }

    @Override
    public Upserted upsert(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                           List<Row> rows) throws SQLException {
        List<ColumnInfo> bound = bound(config, columns);
        try (PreparedStatement ps = tx.prepareStatement(upsertSql(table, config, columns, rows.size()))) {
            int i = 1;
            for (Row row : rows) {
                ObjectNode tree = row.tree();
                for (ColumnInfo c : bound) {
                    bind(ps, i++, c, tree.get(c.name()));
                }
            }
            if (!config.conditional()) {
                return new Upserted(ps.executeLargeUpdate(), 0, 0);
            }
            return ApplySql.runConditional(ps, i, config, columns);
        }
    }

    @Override
    public long delete(Connection tx, TableInfo table, TableConfig config, List<ArrayNode> keys)
            throws SQLException {
        List<ColumnInfo> key = table.primaryKey();
        try (PreparedStatement ps = tx.prepareStatement(deleteSql(table, config, keys.size()))) {
            int i = 1;
            for (ArrayNode values : keys) {
                for (int k = 0; k < key.size(); k++) {
                    bind(ps, i++, key.get(k), values.get(k));
                }
            }
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public Map<Integer, List<JsonNode>> readRows(Connection tx, TableInfo table, TableConfig config,
                                                 List<ColumnInfo> columns, List<DecodedMutation.Key> keys)
            throws SQLException {
        List<ColumnInfo> key = table.primaryKey();
        Map<Integer, List<JsonNode>> out = new HashMap<>();
        try (PreparedStatement ps = tx.prepareStatement(readSql(table, config, columns, keys.size()))) {
            int i = 1;
            for (int k = 0; k < keys.size(); k++) {
                ps.setInt(i++, k);
                for (int c = 0; c < key.size(); c++) {
                    bind(ps, i++, key.get(c), keys.get(k).values().get(c));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<JsonNode> values = new ArrayList<>(columns.size());
                    for (int c = 0; c < columns.size(); c++) {
                        values.add(ApplySql.readValue(json, format, rs.getString(c + 2)));
                    }
                    out.put(rs.getInt(1), values);
                }
            }
        }
        return out;
    }

    /**
     * The rows under {@code rows} keys bound as {@code (position, key values...)} tuples: the columns as text under
     * {@link ValueFormat#TEXT}, as JSON under {@link ValueFormat#CHANGEFEED_JSON}.
     */
    String readSql(TableInfo table, TableConfig config, List<ColumnInfo> columns, int rows) {
        List<ColumnInfo> key = table.primaryKey();
        String tuple = key.stream().map(c -> "?::" + c.type()).collect(Collectors.joining(",", "(?::INT8,", ")"));
        String keyValues = key.stream().map(c -> {
            String value = "d." + dialect.quote(c.name());
            return config.expr(c.name()).map(e -> "(" + e.replace(TableConfig.PLACEHOLDER, value) + ")::" + c.type())
                    .orElse(value);
        }).collect(Collectors.joining(","));
        return "SELECT d.i, " + columns.stream().map(c -> format == ValueFormat.TEXT
                        ? "t." + dialect.quote(c.name()) + "::STRING"
                        : "to_jsonb(t." + dialect.quote(c.name()) + ")::STRING").collect(Collectors.joining(","))
                + " FROM (VALUES " + String.join(",", java.util.Collections.nCopies(rows, tuple)) + ") AS d (i,"
                + list(key) + ") JOIN " + dialect.qualify(table.name()) + " AS t ON (" + key.stream()
                .map(c -> "t." + dialect.quote(c.name())).collect(Collectors.joining(",")) + ") = (" + keyValues + ")";
    }


    /** The columns that take a placeholder: all but constant expressions. */
    private static List<ColumnInfo> bound(TableConfig config, List<ColumnInfo> columns) {
        return columns.stream().filter(c -> !config.constant(c.name())).toList();
    }

    private static String values(List<ColumnInfo> bound, int rows) {
        String tuple = bound.stream().map(c -> "?::" + c.type()).collect(Collectors.joining(",", "(", ")"));
        return "VALUES " + String.join(",", java.util.Collections.nCopies(rows, tuple));
    }

    private String selectList(TableConfig config, List<ColumnInfo> columns) {
        return columns.stream().map(c -> {
            String value = "d." + dialect.quote(c.name());
            return config.expr(c.name())
                    .map(e -> "(" + e.replace(TableConfig.PLACEHOLDER, value) + ")::" + c.type() + " AS "
                            + dialect.quote(c.name()))
                    .orElse(value);
        }).collect(Collectors.joining(","));
    }

    private void bind(PreparedStatement ps, int index, ColumnInfo column, JsonNode value) throws SQLException {
        String text = text(column, value);
        if (text == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, text);
        }
    }

    /**
     * The text a cast to the column's type accepts; null for SQL NULL. A JSON column takes the value's JSON text
     * under {@link ValueFormat#CHANGEFEED_JSON} (a string value is a JSON string) and the value's text under
     * {@link ValueFormat#TEXT} (the text is the JSON document).
     */
    String text(ColumnInfo column, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (column.json() && format == ValueFormat.CHANGEFEED_JSON) {
            return json.write(value);
        }
        if (value.isArray() && column.type().endsWith("[]")) {
            return SqlArrayLiteral.of(value, json);
        }
        return SqlArrayLiteral.scalarText(value, json);
    }

    private String list(List<ColumnInfo> columns) {
        return columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(","));
    }

    /**
     * Not checked ahead on CockroachDB: a value that does not convert fails when the window is applied, and the
     * resolver retries that window until the table or the data is fixed (reported in logs and
     * {@code resolve_errors_total}).
     */
    @Override
    public void checkValues(Connection tx, TableInfo table, List<Row> rows, List<ArrayNode> keys) {
        // Intentionally empty: see the Javadoc.
    }
}
