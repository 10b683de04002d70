package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.engine.TargetDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB statements: multi-row {@code INSERT ... VALUES ... ON DUPLICATE KEY UPDATE}, row-value
 * {@code IN} deletes, with every value converted in the JVM first ({@link MySqlValues}), so the server never rounds,
 * pads or reinterprets one and a value a column cannot hold is refused, named, before anything is written.
 *
 * <p>An expression's {@code $0} becomes a placeholder bound to the incoming value (once per occurrence); the
 * expression is MySQL SQL. Compare-and-set is decided once per existing row, before any column changes: MySQL runs
 * {@code ON DUPLICATE KEY UPDATE} assignments left to right, each seeing the columns already assigned, so the first
 * assignment (a key column set to itself) stores the verdict of the tuple comparison over the stored values in a
 * session variable, and counts refusals in another, and every other column takes {@code IF(verdict, new, old)}.
 * Deadlines are checked in the JVM against its clock before the statement, and the rows past one are left out.
 * {@code ON DUPLICATE KEY UPDATE} fires for a collision on any unique key; a collision on another one than the
 * primary key is made an error (the first assignment sets the key to NULL), never an update of that other row.
 *
 * <p>{@code VALUES(col)} and assignments to user variables inside expressions are deprecated on MySQL 8.0.20+ (still
 * accepted, with a warning); MariaDB 10.11, the server tested, takes both as they are.
 */
final class MySqlApplySql implements ApplySql {
    /** MySQL's limit on placeholders in one prepared statement. */
    static final int MAX_PLACEHOLDERS = 65_535;
    static final int MAX_ROWS = 1000;
    private static final String VERDICT = "@cdc_sink_cas";
    private static final String LOST = "@cdc_sink_cas_lost";
    private static final HexFormat HEX = HexFormat.of();

    private final TargetDialect dialect = TargetDialect.of(TargetDialect.Product.MYSQL);
    private final JsonCodec json;
    private final ValueFormat format;
    private final MySqlValues values;

    MySqlApplySql(JsonCodec json, ValueFormat format) {
        this.json = json;
        this.format = format;
        this.values = new MySqlValues(json, format);
    }

    @Override
    public int maxRowsPerStatement(int columnsPerRow) {
        // An expression may use its column's value more than once: leave room for a few.
        return Math.max(1, Math.min(MAX_ROWS, MAX_PLACEHOLDERS / (Math.max(1, columnsPerRow) * 2)));
    }

    @Override
    public Upserted upsert(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                           List<Row> rows) throws SQLException {
        List<Row> live = rows;
        if (!config.deadlines().isEmpty()) {
            live = new ArrayList<>(rows.size());
            for (Row row : rows) {
                if (withinDeadlines(table, config, columns, row)) {
                    live.add(row);
                }
            }
        }
        long pastDeadline = rows.size() - live.size();
        if (live.isEmpty()) {
            return new Upserted(0, 0, pastDeadline);
        }
        boolean cas = !config.casColumns().isEmpty() && columns.stream().anyMatch(c -> !c.primaryKey());
        if (cas) {
            try (Statement s = tx.createStatement()) {
                s.execute("SET " + LOST + " = 0");
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(upsertSql(table, config, columns, live.size()))) {
            int p = 1;
            for (Row row : live) {
                for (ColumnInfo c : columns) {
                    if (!config.constant(c.name())) {
                        p = bind(ps, p, occurrences(config, c), values.convert(table.name(), c, row.get(c.name())));
                    }
                }
            }
            ps.executeLargeUpdate();
        }
        long lost = 0;
        if (cas) {
            try (Statement s = tx.createStatement(); ResultSet rs = s.executeQuery("SELECT " + LOST)) {
                rs.next();
                lost = rs.getLong(1);
            }
        }
        return new Upserted(live.size() - lost, lost, pastDeadline);
    }

    /** Whether the row's every deadline column is recent enough; a row without one, or with NULL, is not. */
    private boolean withinDeadlines(TableInfo table, TableConfig config, List<ColumnInfo> columns, Row row)
            throws SQLException {
        Instant now = Instant.now();
        for (Map.Entry<String, java.time.Duration> d : config.deadlines().entrySet()) {
            Optional<ColumnInfo> column = columns.stream().filter(c -> c.name().equals(d.getKey())).findFirst();
            if (column.isEmpty()) {
                return false;
            }
            Object value = values.convert(table.name(), column.get(), row.get(d.getKey()));
            if (value == null) {
                return false;
            }
            Instant at;
            MySqlValues.Kind kind = values.type(column.get()).kind();
            if (kind == MySqlValues.Kind.DATE) {
                at = LocalDate.parse((String) value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (kind == MySqlValues.Kind.DATETIME || kind == MySqlValues.Kind.TIMESTAMP) {
                at = LocalDateTime.parse(((String) value).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } else {
                throw new SQLException("apply_config: deadline column " + d.getKey() + " of " + table.name()
                        + " is " + column.get().type() + ", not DATE, DATETIME or TIMESTAMP", "22023");
            }
            if (!at.isAfter(now.minus(d.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** How many placeholders a column's value fills: one, or one per {@code $0} of its expression. */
    private static int occurrences(TableConfig config, ColumnInfo c) {
        Optional<String> expr = config.expr(c.name());
        if (expr.isEmpty()) {
            return 1;
        }
        return expr.get().split(java.util.regex.Pattern.quote(TableConfig.PLACEHOLDER), -1).length - 1;
    }

    /** The value's SQL in a row: a placeholder, or the expression with a placeholder for each {@code $0}. */
    private static String value(TableConfig config, ColumnInfo c) {
        return config.expr(c.name()).map(e -> "(" + e.replace(TableConfig.PLACEHOLDER, "?") + ")").orElse("?");
    }

    String upsertSql(TableInfo table, TableConfig config, List<ColumnInfo> columns, int rows) {
        String tuple = columns.stream().map(c -> value(config, c)).collect(Collectors.joining(",", "(", ")"));
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.qualify(table.name())).append(" (")
                .append(list(columns)).append(") VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append(tuple);
        }
        sql.append(" ON DUPLICATE KEY UPDATE ");
        List<ColumnInfo> updated = columns.stream().filter(c -> !c.primaryKey()).toList();
        String firstKey = dialect.quote(table.primaryKey().get(0).name());
        // MySQL updates the row of whichever unique key the new row collides with; only the primary key's own row
        // may be updated, so any other collision sets the key to NULL, which strict mode refuses (1048, 23000): the
        // row is refused and named as a constraint violation would be, and no other row is overwritten.
        String samePrimaryKey = table.primaryKey().stream()
                .map(c -> dialect.quote(c.name()) + " <=> VALUES(" + dialect.quote(c.name()) + ")")
                .collect(Collectors.joining(" AND "));
        String guarded;
        boolean cas = !config.casColumns().isEmpty() && !updated.isEmpty();
        if (cas) {
            // Strictly greater, as a tuple, over the stored values: decided by the first assignment, before any
            // column changes. A CAS column the row does not carry compares as NULL, which never wins.
            List<String> incoming = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            for (String c : config.casColumns()) {
                boolean carried = columns.stream().anyMatch(col -> col.name().equals(c));
                incoming.add(carried ? "VALUES(" + dialect.quote(c) + ")" : "NULL");
                existing.add(dialect.quote(c));
            }
            String verdict = "COALESCE((" + String.join(",", incoming) + ") > (" + String.join(",", existing)
                    + "), 0)";
            guarded = "IF((" + LOST + " := " + LOST + " + 1 - (" + VERDICT + " := " + verdict + ")) IS NULL, "
                    + firstKey + ", " + firstKey + ")";
        } else {
            guarded = firstKey;
        }
        sql.append(firstKey).append(" = IF(").append(samePrimaryKey).append(", ").append(guarded).append(", NULL)");
        for (ColumnInfo c : updated) {
            String q = dialect.quote(c.name());
            sql.append(", ").append(q).append(" = ").append(cas ? "IF(" + VERDICT + ", VALUES(" + q + "), " + q + ")"
                    : "VALUES(" + q + ")");
        }
        return sql.toString();
    }

    /** Binds a converted value {@code times} times from parameter {@code p}; the next parameter. */
    private static int bind(PreparedStatement ps, int p, int times, Object value) throws SQLException {
        for (int i = 0; i < times; i++) {
            if (value == null) {
                ps.setNull(p + i, Types.VARCHAR);
            } else if (value instanceof Long l) {
                ps.setLong(p + i, l);
            } else if (value instanceof Integer n) {
                ps.setInt(p + i, n);
            } else if (value instanceof BigDecimal d) {
                ps.setBigDecimal(p + i, d);
            } else if (value instanceof Double d) {
                ps.setDouble(p + i, d);
            } else if (value instanceof Float f) {
                ps.setFloat(p + i, f);
            } else if (value instanceof byte[] b) {
                ps.setBytes(p + i, b);
            } else {
                ps.setString(p + i, (String) value);
            }
        }
        return p + times;
    }

    /** The key columns' SQL as a row value, each a placeholder or its expression. */
    private String keyTuple(TableConfig config, List<ColumnInfo> key) {
        String inner = key.stream().map(c -> value(config, c)).collect(Collectors.joining(","));
        return key.size() == 1 ? inner : "(" + inner + ")";
    }

    private int bindKey(PreparedStatement ps, int p, TableInfo table, TableConfig config, JsonNode key)
            throws SQLException {
        List<ColumnInfo> columns = table.primaryKey();
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo c = columns.get(i);
            if (!config.constant(c.name())) {
                p = bind(ps, p, occurrences(config, c), values.convert(table.name(), c, key.get(i)));
            }
        }
        return p;
    }

    @Override
    public long delete(Connection tx, TableInfo table, TableConfig config, List<ArrayNode> keys)
            throws SQLException {
        List<ColumnInfo> key = table.primaryKey();
        String lhs = key.size() == 1 ? list(key) : "(" + list(key) + ")";
        String tuple = keyTuple(config, key);
        String sql = "DELETE FROM " + dialect.qualify(table.name()) + " WHERE " + lhs + " IN ("
                + String.join(",", java.util.Collections.nCopies(keys.size(), tuple)) + ")";
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            int p = 1;
            for (ArrayNode k : keys) {
                p = bindKey(ps, p, table, config, k);
            }
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public Map<Integer, List<JsonNode>> readRows(Connection tx, TableInfo table, TableConfig config,
                                                 List<ColumnInfo> columns, List<DecodedMutation.Key> keys)
            throws SQLException {
        List<ColumnInfo> key = table.primaryKey();
        String lhs = key.size() == 1 ? list(key) : "(" + list(key) + ")";
        String sql = "SELECT " + (columns.isEmpty() ? "1" : list(columns)) + " FROM "
                + dialect.qualify(table.name()) + " WHERE " + lhs + " = " + keyTuple(config, key);
        Map<Integer, List<JsonNode>> out = new HashMap<>();
        // One key at a time: only moved rows are read, and a key's row must be told apart from the others' exactly.
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            for (int i = 0; i < keys.size(); i++) {
                bindKey(ps, 1, table, config, keys.get(i).values());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        List<JsonNode> row = new ArrayList<>(columns.size());
                        for (int c = 0; c < columns.size(); c++) {
                            row.add(read(rs, c + 1, columns.get(c)));
                        }
                        out.put(i, row);
                    }
                }
            }
        }
        return out;
    }

    /** A stored value as the applier's format reads it back: the text {@link MySqlValues} converts from. */
    private JsonNode read(ResultSet rs, int i, ColumnInfo column) throws SQLException {
        MySqlValues.Kind kind = values.type(column).kind();
        String text;
        switch (kind) {
            case BINARY, VARBINARY -> {
                byte[] b = rs.getBytes(i);
                text = b == null ? null : "\\x" + HEX.formatHex(b);
            }
            case BIT -> {
                byte[] b = rs.getBytes(i);
                text = b == null ? null : bits(b, (int) values.type(column).length());
            }
            default -> text = rs.getString(i);
        }
        if (text == null) {
            return NullNode.getInstance();
        }
        if (format == ValueFormat.CHANGEFEED_JSON && kind == MySqlValues.Kind.JSON) {
            try {
                return json.parse(text);
            } catch (JsonProcessingException e) {
                throw new SQLException("the target returned malformed JSON", e);
            }
        }
        return TextNode.valueOf(text);
    }

    private static String bits(byte[] bytes, int width) {
        StringBuilder sb = new StringBuilder(width);
        for (int bit = width - 1; bit >= 0; bit--) {
            int index = bytes.length - 1 - bit / 8;
            boolean set = index >= 0 && (bytes[index] & (1 << (bit % 8))) != 0;
            sb.append(set ? '1' : '0');
        }
        return sb.toString();
    }

    @Override
    public void checkValues(Connection tx, TableInfo table, List<Row> rows, List<ArrayNode> keys)
            throws SQLException {
        for (Row row : rows) {
            for (ColumnInfo c : table.columns()) {
                if (!c.generated() && row.has(c.name())) {
                    values.convert(table.name(), c, row.get(c.name()));
                }
            }
        }
        List<ColumnInfo> key = table.primaryKey();
        for (ArrayNode k : keys) {
            for (int i = 0; i < key.size() && i < k.size(); i++) {
                values.convert(table.name(), key.get(i), k.get(i));
            }
        }
    }

    private String list(List<ColumnInfo> columns) {
        return columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(","));
    }
}
