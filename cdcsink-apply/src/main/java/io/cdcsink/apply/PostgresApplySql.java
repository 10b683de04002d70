package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.api.ValueFormat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * PostgreSQL statements. A whole chunk of rows is bound as ONE json array parameter and expanded into records whose
 * every value's text reaches its column's input function as written (a string's contents, a number's exact spelling,
 * so a float keeps a negative zero), so the statement text depends only on the column set (one cached plan per
 * shape, no placeholder limit). The {@code json} parameter is read once, faster than {@code jsonb}, which would also
 * print numbers again as {@code numeric} does.
 * <ul>
 *   <li>{@link ValueFormat#CHANGEFEED_JSON}: {@code json_populate_recordset(NULL::<table>, ?::json)}, under which
 *       JSON arrays reach array columns and JSON values reach json/jsonb columns unchanged;</li>
 *   <li>{@link ValueFormat#TEXT}: {@code json_to_recordset(?::json) AS d(<column> <type>, ...)}, under which json and
 *       jsonb columns are read as text and cast, so a {@code json} column keeps the source's text exactly
 *       (whitespace, key order, duplicate keys) and a {@code jsonb} column parses it.</li>
 * </ul>
 *
 * <p>{@code OVERRIDING SYSTEM VALUE} lets rows carry the source's values for {@code GENERATED ALWAYS AS IDENTITY}
 * columns; it is harmless for tables without one.
 */
final class PostgresApplySql implements ApplySql {
    static final int MAX_ROWS = 1000;

    private final TargetDialect dialect = TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    private final JsonCodec json;
    private final ValueFormat format;
    private final CopyInsert copy;
    private final ValueCheck values = new ValueCheck();

    PostgresApplySql(JsonCodec json) {
        this(json, ValueFormat.CHANGEFEED_JSON);
    }

    PostgresApplySql(JsonCodec json, ValueFormat format) {
        this.json = json;
        this.format = format;
        this.copy = new CopyInsert(format);
    }

    @Override
    public int maxRowsPerStatement(int columnsPerRow) {
        return MAX_ROWS;
    }

    String upsertSql(TableInfo table, List<ColumnInfo> columns) {
        return upsertSql(table, TableConfig.EMPTY, columns);
    }

    /**
     * The upsert. Without CAS or deadlines it is one {@code INSERT ... SELECT ... ON CONFLICT}; with them it is a
     * statement of CTEs that also counts what it discarded: {@code src} (the rows, expressions applied),
     * {@code live} (rows within every deadline), {@code ins} (the write, whose {@code DO UPDATE} only fires when the
     * CAS tuple grows) and a final {@code SELECT} of the three counts. Parameters: the rows as a json array, then
     * one deadline in microseconds per written deadline column, in column-name order.
     */
    String upsertSql(TableInfo table, TableConfig config, List<ColumnInfo> columns) {
        String target = dialect.qualify(table.name());
        String names = list(columns);
        boolean computed = columns.stream().anyMatch(c -> config.expr(c.name()).isPresent() || converted(c));
        String from = " FROM " + recordset(table, bound(config, columns), computed);
        if (!config.conditional()) {
            return "INSERT INTO " + target + " (" + names + ") OVERRIDING SYSTEM VALUE SELECT "
                    + (computed ? selectList(config, columns, false) : names) + from
                    + onConflict(table, config, columns);
        }
        StringBuilder sql = new StringBuilder("WITH src AS (SELECT ")
                .append(computed ? selectList(config, columns, true) : names).append(from).append("), live AS (")
                .append("SELECT * FROM src");
        List<String> conditions = new ArrayList<>();
        for (String c : config.deadlines().keySet()) {
            if (columns.stream().anyMatch(col -> col.name().equals(c))) {
                conditions.add("src." + dialect.quote(c) + " > now() - ?::bigint * INTERVAL '1 microsecond'");
            } else {
                // A row that does not carry the deadline column cannot be shown to be recent: discarded, as NULL is.
                conditions.add("FALSE");
            }
        }
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        sql.append("), ins AS (INSERT INTO ").append(target).append(" AS cur (").append(names)
                .append(") OVERRIDING SYSTEM VALUE SELECT ").append(names).append(" FROM live")
                .append(onConflict(table, config, columns)).append(" RETURNING 1)")
                .append(" SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM live), (SELECT count(*) FROM ins)");
        return sql.toString();
    }

    /** The deadline parameters {@link #upsertSql(TableInfo, TableConfig, List)} expects, in order. */
    static List<Long> deadlineMicros(TableConfig config, List<ColumnInfo> columns) {
        List<Long> out = new ArrayList<>();
        config.deadlines().forEach((c, d) -> {
            if (columns.stream().anyMatch(col -> col.name().equals(c))) {
                out.add(Math.max(1, d.toNanos() / 1000));
            }
        });
        return out;
    }

    private String onConflict(TableInfo table, TableConfig config, List<ColumnInfo> columns) {
        List<ColumnInfo> updated = columns.stream().filter(c -> !c.primaryKey()).toList();
        StringBuilder sql = new StringBuilder(" ON CONFLICT (").append(list(table.primaryKey())).append(")");
        if (updated.isEmpty()) {
            return sql.append(" DO NOTHING").toString();
        }
        // The ROW() form keeps one syntax for one and many columns.
        sql.append(" DO UPDATE SET (").append(list(updated)).append(") = ROW(")
                .append(updated.stream().map(c -> "excluded." + dialect.quote(c.name()))
                        .collect(Collectors.joining(",")))
                .append(")");
        if (!config.casColumns().isEmpty()) {
            // Strictly greater, compared as a tuple; a CAS column the row does not carry compares as NULL.
            List<String> incoming = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            for (String c : config.casColumns()) {
                boolean carried = columns.stream().anyMatch(col -> col.name().equals(c));
                incoming.add(carried ? "excluded." + dialect.quote(c) : "NULL");
                existing.add("cur." + dialect.quote(c));
            }
            sql.append(" WHERE ROW(").append(String.join(",", incoming)).append(") > ROW(")
                    .append(String.join(",", existing)).append(")");
        }
        return sql.toString();
    }

    /**
     * One output per column over the recordset aliased {@code d}: the typed value, or the column's expression with
     * every {@code $0} replaced by the typed value, cast back to the column's type.
     */
    private String selectList(TableConfig config, List<ColumnInfo> columns, boolean named) {
        return columns.stream().map(c -> {
            String value = value(c);
            Optional<String> expr = config.expr(c.name());
            String out = expr.isEmpty() ? value
                    : "(" + expr.get().replace(TableConfig.PLACEHOLDER, value) + ")::" + c.type();
            return named && (expr.isPresent() || converted(c)) ? out + " AS " + dialect.quote(c.name()) : out;
        }).collect(Collectors.joining(","));
    }

    /** A column's typed value in the recordset aliased {@code d}. */
    private String value(ColumnInfo c) {
        String value = "d." + dialect.quote(c.name());
        return converted(c) ? "CAST(" + value + " AS " + c.type() + ")" : value;
    }

    /** A column whose value the recordset holds as text, cast to the column's type in the select list. */
    private boolean converted(ColumnInfo c) {
        return format == ValueFormat.TEXT && c.json();
    }

    /**
     * The recordset of the bound rows, the statement's one parameter: every column of the table under
     * {@link ValueFormat#CHANGEFEED_JSON} (aliased {@code d} when {@code alias}), the {@code bound} columns, always
     * aliased {@code d}, under {@link ValueFormat#TEXT}.
     */
    private String recordset(TableInfo table, List<ColumnInfo> bound, boolean alias) {
        if (format == ValueFormat.CHANGEFEED_JSON) {
            return "json_populate_recordset(NULL::" + dialect.qualify(table.name()) + ", ?::json)"
                    + (alias ? " AS d" : "");
        }
        return "json_to_recordset(?::json) AS d(" + definitions(bound) + ")";
    }

    /** The column definitions of a {@link ValueFormat#TEXT} record: json and jsonb columns as text. */
    private String definitions(List<ColumnInfo> columns) {
        return columns.stream().map(c -> dialect.quote(c.name()) + " " + (c.json() ? "text" : c.type()))
                .collect(Collectors.joining(","));
    }

    /** The columns whose values the rows carry: all but constant expressions. */
    private static List<ColumnInfo> bound(TableConfig config, List<ColumnInfo> columns) {
        return columns.stream().filter(c -> !config.constant(c.name())).toList();
    }

    String deleteSql(TableInfo table) {
        return deleteSql(table, TableConfig.EMPTY);
    }

    String deleteSql(TableInfo table, TableConfig config) {
        String target = dialect.qualify(table.name());
        List<ColumnInfo> key = table.primaryKey();
        boolean computed = key.stream().anyMatch(c -> config.expr(c.name()).isPresent() || converted(c));
        return "DELETE FROM " + target + " WHERE (" + list(key) + ") IN (SELECT "
                + (computed ? selectList(config, key, false) : list(key)) + " FROM "
                + recordset(table, key, computed) + ")";
    }

    /** COPY, for rows none of whose keys exist yet ({@link CopyInsert}). */
    @Override
    public boolean insertNew(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                             List<Row> rows) throws SQLException {
        return copy.write(tx, table, config, columns, rows);
    }

    @Override
    public Upserted upsert(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                           List<Row> rows) throws SQLException {
        // Only the written columns: a value for a skipped (generated) column must not fail the conversion.
        List<ColumnInfo> bound = bound(config, columns);
        String param = json.write(sizeHint(rows, bound.size()), g -> {
            g.writeStartArray();
            for (Row row : rows) {
                writeRow(g, row, bound);
            }
            g.writeEndArray();
        });
        String sql = upsertSql(table, config, columns);
        if (!config.conditional()) {
            return new Upserted(run(tx, sql, param), 0, 0);
        }
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            ps.setString(1, param);
            return ApplySql.runConditional(ps, 2, config, columns);
        }
    }

    /**
     * The parameter's length: exact for received rows, which are copied as they are, and a guess for built ones.
     * A generous guess per row allocated several times the text for the common batch of received rows.
     */
    private static int sizeHint(List<Row> rows, int columns) {
        long chars = 2;
        for (Row row : rows) {
            chars += 1 + (row.text().isPresent() ? row.text().get().length() : 32L * (columns + 1));
        }
        // A guess: typed rows are written value by value, like built ones.
        return (int) Math.min(chars, Integer.MAX_VALUE - 16);
    }

    /**
     * One row as the object the recordset reads: a received row that needed no reshaping as its text (it
     * carries writable columns only, and jsonb reads the same values from it), any other row as its values of
     * {@code columns}.
     */
    private void writeRow(JsonGenerator g, Row row, List<ColumnInfo> columns) throws IOException {
        if (row.text().isPresent()) {
            g.writeRawValue(row.text().get());
            return;
        }
        g.writeStartObject();
        if (row.typed()) {
            // A log-based source's row carries writable columns only (or it would have been mapped into a tree).
            for (int i = 0; i < row.size(); i++) {
                g.writeFieldName(row.name(i));
                String value = row.value(i);
                if (value == null) {
                    g.writeNull();
                } else {
                    g.writeString(value);
                }
            }
        } else {
            ObjectNode tree = row.tree();
            for (ColumnInfo c : columns) {
                JsonNode value = tree.get(c.name());
                if (value != null) {
                    g.writeFieldName(c.name());
                    json.writeValue(g, value);
                }
            }
        }
        g.writeEndObject();
    }

    /** Key arrays as objects keyed by the primary-key column names, the shape the recordsets read. */
    private void writeKeyObjects(JsonGenerator g, TableInfo table, List<ArrayNode> keys) throws IOException {
        List<ColumnInfo> key = table.primaryKey();
        for (ArrayNode values : keys) {
            g.writeStartObject();
            for (int i = 0; i < key.size(); i++) {
                g.writeFieldName(key.get(i).name());
                json.writeValue(g, values.get(i));
            }
            g.writeEndObject();
        }
    }

    @Override
    public long delete(Connection tx, TableInfo table, TableConfig config, List<ArrayNode> keys)
            throws SQLException {
        String param = json.write(keys.size() * 16 * (table.primaryKey().size() + 1), g -> {
            g.writeStartArray();
            writeKeyObjects(g, table, keys);
            g.writeEndArray();
        });
        return run(tx, deleteSql(table, config), param);
    }

    @Override
    public Map<Integer, List<JsonNode>> readRows(Connection tx, TableInfo table, TableConfig config,
                                                 List<ColumnInfo> columns, List<DecodedMutation.Key> keys)
            throws SQLException {
        String param = json.write(keys.size() * 16 * (table.primaryKey().size() + 1), g -> {
            g.writeStartArray();
            writeKeyObjects(g, table, keys.stream().map(DecodedMutation.Key::values).toList());
            g.writeEndArray();
        });
        Map<Integer, List<JsonNode>> out = new HashMap<>();
        try (PreparedStatement ps = tx.prepareStatement(readSql(table, config, columns))) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<JsonNode> values = new ArrayList<>(columns.size());
                    for (int c = 0; c < columns.size(); c++) {
                        values.add(ApplySql.readValue(json, format, rs.getString(c + 2)));
                    }
                    out.put(rs.getInt(1) - 1, values);
                }
            }
        }
        return out;
    }

    /**
     * The rows under the keys of the one parameter (an array of key objects, as {@link #delete} binds), each with the
     * 1-based position of its key: the columns as text under {@link ValueFormat#TEXT} (each type's output function,
     * which its input function reads back exactly), as JSON under {@link ValueFormat#CHANGEFEED_JSON}.
     */
    String readSql(TableInfo table, TableConfig config, List<ColumnInfo> columns) {
        String target = dialect.qualify(table.name());
        List<ColumnInfo> key = table.primaryKey();
        String record = format == ValueFormat.CHANGEFEED_JSON
                ? "json_populate_record(NULL::" + target + ", e.v) AS d"
                : "json_to_record(e.v) AS d(" + definitions(key) + ")";
        return "SELECT e.i, " + columns.stream().map(c -> format == ValueFormat.TEXT
                        ? "t." + dialect.quote(c.name()) + "::text"
                        : "to_jsonb(t." + dialect.quote(c.name()) + ")::text").collect(Collectors.joining(","))
                + " FROM json_array_elements(?::json) WITH ORDINALITY AS e(v, i) CROSS JOIN LATERAL " + record
                + " JOIN " + target + " AS t ON (" + key.stream().map(c -> "t." + dialect.quote(c.name()))
                .collect(Collectors.joining(",")) + ") = (" + selectList(config, key, false) + ")";
    }


    String checkSql(TableInfo table) {
        if (format == ValueFormat.CHANGEFEED_JSON) {
            return "SELECT count(*) FROM json_populate_recordset(NULL::" + dialect.qualify(table.name())
                    + ", ?::json)";
        }
        // count(ROW(...)) evaluates every cast; a count(*) would let the planner skip them.
        List<ColumnInfo> writable = writable(table);
        return "SELECT count(ROW(" + writable.stream().map(this::value).collect(Collectors.joining(",")) + ")) FROM "
                + recordset(table, writable, true);
    }

    /** Generated columns are never written, so their values need not convert. */
    private static List<ColumnInfo> writable(TableInfo table) {
        return table.columns().stream().filter(c -> !c.generated()).toList();
    }

    @Override
    public void checkValues(Connection tx, TableInfo table, List<Row> rows, List<ArrayNode> keys)
            throws SQLException {
        // Rows whose every value the JVM vouches for need no round trip; the rest are checked by the server.
        List<Row> unchecked = rows;
        if (!rows.isEmpty()) {
            ValueCheck.Rows checked = values.forColumns(table.columns());
            unchecked = rows.stream().filter(r -> !checked.convert(r)).toList();
        }
        checkOnServer(tx, table, unchecked, keys);
    }

    private void checkOnServer(Connection tx, TableInfo table, List<Row> rows, List<ArrayNode> keys)
            throws SQLException {
        if (rows.isEmpty() && keys.isEmpty()) {
            return;
        }
        String param = json.write(sizeHint(rows, table.columns().size()) + keys.size() * 16, g -> {
            g.writeStartArray();
            List<ColumnInfo> writable = writable(table);
            for (Row row : rows) {
                writeRow(g, row, writable);
            }
            writeKeyObjects(g, table, keys);
            g.writeEndArray();
        });
        // The recordset runs every value through its column's input function: a bad value fails here.
        try (PreparedStatement ps = tx.prepareStatement(checkSql(table))) {
            ps.setString(1, param);
            ps.executeQuery().close();
        }
    }

    private long run(Connection tx, String sql, String param) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            ps.setString(1, param);
            return ps.executeLargeUpdate();
        }
    }

    private String list(List<ColumnInfo> columns) {
        return columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(","));
    }
}
