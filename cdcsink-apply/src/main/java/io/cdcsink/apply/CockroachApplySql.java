package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.api.ColumnInfo;
import io.cdcsink.api.TableInfo;
import io.cdcsink.api.TargetDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
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

    CockroachApplySql(JsonCodec json) {
        this.json = json;
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

    String deleteSql(TableInfo table, int rows) {
        List<ColumnInfo> key = table.primaryKey();
        String tuple = key.stream().map(c -> "?::" + c.type()).collect(Collectors.joining(",", "(", ")"));
        return "DELETE FROM " + dialect.qualify(table.name()) + " WHERE (" + list(key) + ") IN ("
                + String.join(",", java.util.Collections.nCopies(rows, tuple)) + ")";
    }

    @Override
    public long upsert(Connection tx, TableInfo table, List<ColumnInfo> columns, List<ObjectNode> rows)
            throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(upsertSql(table, columns, rows.size()))) {
            int i = 1;
            for (ObjectNode row : rows) {
                for (ColumnInfo c : columns) {
                    bind(ps, i++, c, row.get(c.name()));
                }
            }
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public long delete(Connection tx, TableInfo table, List<ArrayNode> keys) throws SQLException {
        List<ColumnInfo> key = table.primaryKey();
        try (PreparedStatement ps = tx.prepareStatement(deleteSql(table, keys.size()))) {
            int i = 1;
            for (ArrayNode values : keys) {
                for (int k = 0; k < key.size(); k++) {
                    bind(ps, i++, key.get(k), values.get(k));
                }
            }
            return ps.executeLargeUpdate();
        }
    }

    private void bind(PreparedStatement ps, int index, ColumnInfo column, JsonNode value) throws SQLException {
        String text = text(column, value);
        if (text == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, text);
        }
    }

    /** The text a cast to the column's type accepts; null for SQL NULL. */
    String text(ColumnInfo column, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
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
    public void checkValues(Connection tx, TableInfo table, List<ObjectNode> rows, List<ArrayNode> keys) {
        // Intentionally empty: see the Javadoc.
    }
}
