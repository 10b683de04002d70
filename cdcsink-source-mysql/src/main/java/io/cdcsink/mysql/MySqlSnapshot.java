package io.cdcsink.mysql;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.Snapshot;
import io.cdcsink.api.SnapshotReader;
import io.cdcsink.api.SnapshotTable;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A consistent snapshot of a MySQL/MariaDB source ({@link MySqlSnapshots}): a planner connection that lists tables and
 * cuts them into chunks, and one {@link MySqlChunkReader} per worker, all in snapshot transactions.
 */
final class MySqlSnapshot implements Snapshot {
    private static final String SYSTEM = "('mysql', 'information_schema', 'performance_schema', 'sys')";
    private static final String COLUMNS = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE,"
            + " c.COLUMN_TYPE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION, c.CHARACTER_SET_NAME,"
            + " c.COLLATION_NAME"
            + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
            + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
            + " WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA NOT IN " + SYSTEM
            + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";
    private static final String PRIMARY_KEYS = "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME"
            + " FROM information_schema.STATISTICS WHERE INDEX_NAME = 'PRIMARY' AND TABLE_SCHEMA NOT IN " + SYSTEM
            + " ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX";
    /** Rows the server sends at a time while a chunk or the key scan streams. */
    static final int FETCH_ROWS = 1000;

    /**
     * A table's source name and columns.
     *
     * @param database the source database
     * @param name     the table's name there
     * @param columns  every column, in table order
     */
    record Source(String database, String name, Map<String, SnapshotColumn> columns) {
        String qualified() {
            return MySqlSql.table(database, name);
        }

        SnapshotColumn column(String column) {
            SnapshotColumn c = columns.get(column);
            if (c == null) {
                throw new IllegalArgumentException("source table " + database + "." + name + " has no column "
                        + column);
            }
            return c;
        }
    }

    private final MyLogicalConfig config;
    private final SourceCharsets charsets;
    private final LogicalPosition position;
    private final Connection planner;
    private final List<Connection> workers;
    private final List<MySqlChunkReader> readers = new ArrayList<>();
    /** By {@link SnapshotTable#source()}; filled by {@link #tables()}. */
    private final Map<String, Source> sources = new HashMap<>();
    private List<SnapshotTable> tables;

    MySqlSnapshot(MyLogicalConfig config, SourceCharsets charsets, LogicalPosition position, Connection planner,
                  List<Connection> workers) {
        this.config = config;
        this.charsets = charsets;
        this.position = position;
        this.planner = planner;
        this.workers = List.copyOf(workers);
        for (Connection conn : this.workers) {
            readers.add(new MySqlChunkReader(conn, this::source));
        }
    }

    @Override
    public LogicalPosition position() {
        return position;
    }

    @Override
    public synchronized List<SnapshotTable> tables() throws SQLException {
        if (tables != null) {
            return tables;
        }
        Map<String, List<String>> keys = new HashMap<>();
        try (Statement st = planner.createStatement(); ResultSet rs = st.executeQuery(PRIMARY_KEYS)) {
            while (rs.next()) {
                keys.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>())
                        .add(rs.getString(3));
            }
        }
        Map<String, Source> found = new LinkedHashMap<>();
        try (Statement st = planner.createStatement(); ResultSet rs = st.executeQuery(COLUMNS)) {
            while (rs.next()) {
                String database = rs.getString(1);
                if (!config.replicates(database)) {
                    continue;
                }
                String table = rs.getString(2);
                Source source = found.computeIfAbsent(database + "." + table,
                        k -> new Source(database, table, new LinkedHashMap<>()));
                SnapshotColumn column = column(rs, database + "." + table + "." + rs.getString(3));
                source.columns().put(column.name(), column);
            }
        }
        List<SnapshotTable> out = new ArrayList<>();
        for (Map.Entry<String, Source> e : found.entrySet()) {
            Source s = e.getValue();
            out.add(new SnapshotTable(new TableName(config.targetDatabase(), config.targetSchema(), s.name()),
                    e.getKey(), List.copyOf(s.columns().keySet()), keys.getOrDefault(e.getKey(), List.of())));
            sources.put(e.getKey(), new Source(s.database(), s.name(), Map.copyOf(s.columns())));
        }
        tables = List.copyOf(out);
        return tables;
    }

    private SnapshotColumn column(ResultSet rs, String label) throws SQLException {
        String dataType = rs.getString(4);
        SnapshotColumn.Kind kind = SnapshotColumn.kindOf(dataType).orElseThrow(() -> new IllegalStateException(
                "column " + label + " has type " + dataType + " which mylogical does not copy; exclude its database"
                        + " with --sourceDatabase or change the column's type"));
        String charsetName = rs.getString(9);
        int fsp = switch (kind) {
            case DATETIME, TIMESTAMP, TIME -> rs.getInt(8);
            case BIT -> rs.getInt(6);
            case DECIMAL -> rs.getInt(7);
            default -> 0;
        };
        return new SnapshotColumn(rs.getString(3), kind, fsp, rs.getInt(6),
                rs.getString(5).toLowerCase(Locale.ROOT).contains("unsigned"),
                charsetName == null ? Optional.empty() : charsets.forName(charsetName, label),
                charsetName, rs.getString(10));
    }

    /** The source side of a table {@link #tables()} listed. */
    private synchronized Source source(SnapshotTable table) {
        Source s = sources.get(table.source());
        if (s == null) {
            throw new IllegalArgumentException("table " + table.source() + " is not one of this snapshot's tables");
        }
        return s;
    }

    @Override
    public synchronized List<List<String>> boundaries(SnapshotTable table, long rows) throws SQLException {
        if (rows < 1) {
            throw new IllegalArgumentException("chunks need at least one row, got " + rows);
        }
        if (table.key().isEmpty()) {
            return List.of();
        }
        Source source = source(table);
        List<SnapshotColumn> key = table.key().stream().map(source::column).toList();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(key.get(i).keySql());
        }
        sql.append(" FROM ").append(source.qualified()).append(" ORDER BY ").append(orderBy(key));
        List<List<String>> out = new ArrayList<>();
        List<String> pending = null;
        long seen = 0;
        try (PreparedStatement ps = planner.prepareStatement(sql.toString())) {
            ps.setFetchSize(FETCH_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (pending != null) {
                        out.add(pending); // only a boundary with rows after it: no empty last chunk
                        pending = null;
                    }
                    if (++seen % rows == 0) {
                        List<String> value = new ArrayList<>(key.size());
                        for (int i = 0; i < key.size(); i++) {
                            value.add(rs.getString(i + 1));
                        }
                        pending = List.copyOf(value);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    static String orderBy(List<SnapshotColumn> key) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(MySqlSql.quote(key.get(i).name()));
        }
        return sql.toString();
    }

    @Override
    public SnapshotReader reader(int worker) {
        if (worker < 0 || worker >= readers.size()) {
            throw new IllegalArgumentException("worker " + worker + " does not exist: this snapshot has "
                    + readers.size() + " readers (0 to " + (readers.size() - 1) + ")");
        }
        return readers.get(worker);
    }

    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        List<Connection> all = new ArrayList<>(workers);
        all.add(planner);
        for (Connection conn : all) {
            try (conn) {
                if (!conn.isClosed()) {
                    try (Statement st = conn.createStatement()) {
                        st.execute("COMMIT"); // read only: ends the snapshot transaction
                    }
                }
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
