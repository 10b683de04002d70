package io.cdcsink.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.api.ColumnInfo;
import io.cdcsink.api.TableInfo;
import io.cdcsink.api.TargetDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * PostgreSQL statements. A whole chunk of rows is bound as ONE jsonb array parameter and expanded by
 * {@code jsonb_populate_recordset(NULL::<table>, ?)}, which converts every value with the column's own input
 * function, so the statement text depends only on the column set (one cached plan per shape, no placeholder
 * limit) and JSON arrays reach array columns, JSON values reach json/jsonb columns unchanged.
 *
 * <p>{@code OVERRIDING SYSTEM VALUE} lets rows carry the source's values for {@code GENERATED ALWAYS AS IDENTITY}
 * columns; it is harmless for tables without one.
 */
final class PostgresApplySql implements ApplySql {
    static final int MAX_ROWS = 1000;

    private final TargetDialect dialect = TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    private final JsonCodec json;

    PostgresApplySql(JsonCodec json) {
        this.json = json;
    }

    @Override
    public int maxRowsPerStatement(int columnsPerRow) {
        return MAX_ROWS;
    }

    String upsertSql(TableInfo table, List<ColumnInfo> columns) {
        String target = dialect.qualify(table.name());
        String names = list(columns);
        List<ColumnInfo> updated = columns.stream().filter(c -> !c.primaryKey()).toList();
        StringBuilder sql = new StringBuilder()
                .append("INSERT INTO ").append(target).append(" (").append(names).append(")")
                .append(" OVERRIDING SYSTEM VALUE SELECT ").append(names)
                .append(" FROM jsonb_populate_recordset(NULL::").append(target).append(", ?::jsonb)")
                .append(" ON CONFLICT (").append(list(table.primaryKey())).append(")");
        if (updated.isEmpty()) {
            sql.append(" DO NOTHING");
        } else {
            // The ROW() form keeps one syntax for one and many columns.
            sql.append(" DO UPDATE SET (").append(list(updated)).append(") = ROW(")
                    .append(updated.stream().map(c -> "excluded." + dialect.quote(c.name()))
                            .collect(Collectors.joining(",")))
                    .append(")");
        }
        return sql.toString();
    }

    String deleteSql(TableInfo table) {
        String target = dialect.qualify(table.name());
        String key = list(table.primaryKey());
        return "DELETE FROM " + target + " WHERE (" + key + ") IN (SELECT " + key
                + " FROM jsonb_populate_recordset(NULL::" + target + ", ?::jsonb))";
    }

    @Override
    public long upsert(Connection tx, TableInfo table, List<ColumnInfo> columns, List<ObjectNode> rows)
            throws SQLException {
        ArrayNode param = json.mapper().createArrayNode();
        for (ObjectNode row : rows) {
            // Only the written columns: a value for a skipped (generated) column must not fail the conversion.
            ObjectNode out = param.addObject();
            for (ColumnInfo c : columns) {
                out.set(c.name(), row.get(c.name()));
            }
        }
        return run(tx, upsertSql(table, columns), param);
    }

    @Override
    public long delete(Connection tx, TableInfo table, List<ArrayNode> keys) throws SQLException {
        List<ColumnInfo> key = table.primaryKey();
        ArrayNode param = json.mapper().createArrayNode();
        for (ArrayNode values : keys) {
            ObjectNode out = param.addObject();
            for (int i = 0; i < key.size(); i++) {
                out.set(key.get(i).name(), values.get(i));
            }
        }
        return run(tx, deleteSql(table), param);
    }

    String checkSql(TableInfo table) {
        return "SELECT count(*) FROM jsonb_populate_recordset(NULL::" + dialect.qualify(table.name()) + ", ?::jsonb)";
    }

    @Override
    public void checkValues(Connection tx, TableInfo table, List<ObjectNode> rows, List<ArrayNode> keys)
            throws SQLException {
        ArrayNode param = json.mapper().createArrayNode();
        for (ObjectNode row : rows) {
            ObjectNode out = param.addObject();
            for (ColumnInfo c : table.columns()) {
                // Generated columns are never written, so their values need not convert.
                if (!c.generated() && row.has(c.name())) {
                    out.set(c.name(), row.get(c.name()));
                }
            }
        }
        List<ColumnInfo> key = table.primaryKey();
        for (ArrayNode values : keys) {
            ObjectNode out = param.addObject();
            for (int i = 0; i < key.size(); i++) {
                out.set(key.get(i).name(), values.get(i));
            }
        }
        if (param.isEmpty()) {
            return;
        }
        // jsonb_populate_recordset runs every value through its column's input function: a bad value fails here.
        try (PreparedStatement ps = tx.prepareStatement(checkSql(table))) {
            ps.setString(1, json.write(param));
            ps.executeQuery().close();
        }
    }

    private long run(Connection tx, String sql, ArrayNode param) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            ps.setString(1, json.write(param));
            return ps.executeLargeUpdate();
        }
    }

    private String list(List<ColumnInfo> columns) {
        return columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(","));
    }
}
