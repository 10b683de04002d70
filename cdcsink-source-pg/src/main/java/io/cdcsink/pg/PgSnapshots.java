package io.cdcsink.pg;

import io.cdcsink.api.CdcSinkException;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.Snapshot;
import io.cdcsink.api.SnapshotReader;
import io.cdcsink.api.SnapshotSource;
import io.cdcsink.api.SnapshotTable;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of a PostgreSQL source for {@code --snapshot initial} and {@code --snapshotTables}. A first load creates
 * the replication slot over a replication connection with an exported snapshot ({@code CREATE_REPLICATION_SLOT ...
 * EXPORT_SNAPSHOT}), so the slot's consistent point is exactly where the copy ends; later snapshots are exported by an
 * ordinary repeatable-read transaction ({@code pg_export_snapshot()}). Each worker imports the snapshot with
 * {@code SET TRANSACTION SNAPSHOT} and copies a chunk with {@code COPY (SELECT ...) TO STDOUT}: the source's own text
 * output, which the target's input functions read back exactly.
 */
final class PgSnapshots implements SnapshotSource {
    private static final Logger LOG = LoggerFactory.getLogger(PgSnapshots.class);

    // Generated columns are left out, as the stream never sends them.
    private static final String TABLES = """
            SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
                   COALESCE(k.n, -1)
              FROM pg_catalog.pg_publication_tables pt
              JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname
              JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
              LEFT JOIN LATERAL (SELECT s.n FROM generate_subscripts(i.indkey::int2[], 1) AS s(n)
                                  WHERE (i.indkey::int2[])[s.n] = a.attnum AND s.n < i.indnkeyatts) k ON true
             WHERE pt.pubname = ? AND a.attgenerated = ''
             ORDER BY n.nspname, c.relname, a.attnum""";

    private final PgLogicalConfig config;
    private final PgConnections connections;

    PgSnapshots(PgLogicalConfig config, PgConnections connections) {
        this.config = config;
        this.connections = connections;
    }

    @Override
    public Snapshot open(boolean createPosition, int workers) throws Exception {
        List<Connection> readers = new ArrayList<>();
        try {
            if (createPosition) {
                try (Connection replication = connections.replication()) {
                    String[] created = createSlot(replication);
                    for (int i = 0; i < workers; i++) {
                        readers.add(importing(created[1]));
                    }
                    LogicalPosition at = new LogicalPosition(created[0], Instant.now());
                    LOG.info("created replication slot {} at {} with an exported snapshot", config.slotName(),
                            created[0]);
                    return new PgSnapshot(readers, at, true);
                }
            }
            try (Connection exporter = connections.normal()) {
                exporter.setAutoCommit(false);
                exporter.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                String name;
                String lsn;
                try (Statement s = exporter.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), pg_current_wal_lsn()::text")) {
                    rs.next();
                    name = rs.getString(1);
                    lsn = rs.getString(2);
                }
                for (int i = 0; i < workers; i++) {
                    readers.add(importing(name));
                }
                exporter.commit();
                return new PgSnapshot(readers, new LogicalPosition(lsn, Instant.now()), false);
            }
        } catch (Exception e) {
            for (Connection c : readers) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    /** Creates the slot; returns its consistent point and the exported snapshot's name. */
    private String[] createSlot(Connection replication) throws SQLException {
        try (Statement s = replication.createStatement();
             ResultSet rs = s.executeQuery("CREATE_REPLICATION_SLOT " + PgPreflight.quoted(config.slotName())
                     + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
            rs.next();
            return new String[] {rs.getString("consistent_point"), rs.getString("snapshot_name")};
        } catch (SQLException e) {
            if ("42710".equals(e.getSQLState())) {
                throw new CdcSinkException("--snapshot initial: replication slot " + config.slotName()
                        + " (--slotName) already exists, so the snapshot it was created at is gone; drop it with"
                        + " SELECT pg_drop_replication_slot('" + config.slotName() + "'); in source database "
                        + config.sourceDatabase() + " to load from a new one, or leave out --snapshot to stream"
                        + " from it", e);
            }
            throw e;
        }
    }

    private Connection importing(String snapshot) throws SQLException {
        Connection c = connections.normal();
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
            }
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("could not close a snapshot connection", e);
        }
    }

    /** A table's key types by column, for the literals of chunk bounds. */
    private record Described(SnapshotTable table, Map<String, String> types) {
    }

    private final class PgSnapshot implements Snapshot {
        private final List<Connection> readers;
        private final LogicalPosition position;
        private final boolean createdSlot;
        private final Map<TableName, Described> described = new LinkedHashMap<>();
        /** Spreads {@link #boundaries} calls over the worker connections. */
        private final java.util.concurrent.atomic.AtomicInteger planned = new java.util.concurrent.atomic.AtomicInteger();

        PgSnapshot(List<Connection> readers, LogicalPosition position, boolean createdSlot) {
            this.readers = readers;
            this.position = position;
            this.createdSlot = createdSlot;
        }

        @Override
        public LogicalPosition position() {
            return position;
        }

        @Override
        public synchronized List<SnapshotTable> tables() throws SQLException {
            if (described.isEmpty()) {
                describe(readers.get(0));
            }
            return described.values().stream().map(Described::table).toList();
        }

        private void describe(Connection conn) throws SQLException {
            Map<String, List<String>> columns = new LinkedHashMap<>();
            Map<String, Map<String, String>> types = new LinkedHashMap<>();
            Map<String, Map<Integer, String>> keys = new LinkedHashMap<>();
            try (PreparedStatement ps = conn.prepareStatement(TABLES)) {
                ps.setString(1, config.publicationName());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1) + "\0" + rs.getString(2);
                        columns.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getString(3));
                        types.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(rs.getString(3), rs.getString(4));
                        Map<Integer, String> key = keys.computeIfAbsent(id, k -> new TreeMap<>());
                        if (rs.getInt(5) >= 0) {
                            key.put(rs.getInt(5), rs.getString(3));
                        }
                    }
                }
            }
            for (Map.Entry<String, List<String>> e : columns.entrySet()) {
                String[] name = e.getKey().split("\0", 2);
                SnapshotTable t = new SnapshotTable(new TableName(config.targetDatabase(), name[0], name[1]),
                        name[0] + "." + name[1], e.getValue(), List.copyOf(keys.get(e.getKey()).values()));
                described.put(t.target(), new Described(t, types.get(e.getKey())));
            }
        }

        private Described described(SnapshotTable table) throws SQLException {
            tables();
            Described d = described.get(table.target());
            if (d == null) {
                throw new CdcSinkException("publication " + config.publicationName() + " no longer holds "
                        + table.source());
            }
            for (String k : table.key()) {
                if (!d.types().containsKey(k)) {
                    throw new CdcSinkException("--snapshotKey: table " + table.source() + " has no column " + k);
                }
            }
            return d;
        }

        /**
         * Cuts by keyset: each cut is the key {@code rows} keys after the previous one
         * ({@code ORDER BY key OFFSET rows - 1 LIMIT 1} after it), an index-only walk of the primary key; numbering
         * every key with {@code row_number()} took three times as long. Calls for different tables run at once on
         * different worker connections.
         */
        @Override
        public List<List<String>> boundaries(SnapshotTable table, long rows) throws SQLException {
            Described d = described(table);
            String key = columnList(table.key());
            List<List<String>> out = new ArrayList<>();
            Connection conn = readers.get(Math.floorMod(planned.getAndIncrement(), readers.size()));
            synchronized (conn) {
                List<String> previous = null;
                while (true) {
                    String sql = "SELECT " + key + " FROM " + qualified(table)
                            + (previous == null ? "" : " WHERE " + bound(table, d, ">", previous))
                            + " ORDER BY " + key + " OFFSET " + (rows - 1) + " LIMIT 1";
                    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                        if (!rs.next()) {
                            return out;
                        }
                        List<String> cut = new ArrayList<>(table.key().size());
                        for (int i = 1; i <= table.key().size(); i++) {
                            cut.add(rs.getString(i));
                        }
                        out.add(cut);
                        previous = cut;
                    }
                }
            }
        }

        @Override
        public SnapshotReader reader(int worker) {
            Connection conn = readers.get(worker);
            return (table, after, upTo, sink) -> {
                Described d = described(table);
                StringBuilder sql = new StringBuilder("COPY (SELECT ").append(columnList(table.columns()))
                        .append(" FROM ").append(qualified(table));
                String where = " WHERE ";
                if (after.isPresent()) {
                    sql.append(where).append(bound(table, d, ">", after.get()));
                    where = " AND ";
                }
                if (upTo.isPresent()) {
                    sql.append(where).append(bound(table, d, "<=", upTo.get()));
                }
                sql.append(") TO STDOUT");
                synchronized (conn) {
                    CopyOut out = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql.toString());
                    long rows = 0;
                    try {
                        byte[] row;
                        while ((row = out.readFromCopy()) != null) {
                            sink.write(row, 0, row.length);
                            rows++;
                        }
                    } finally {
                        if (out.isActive()) {
                            out.cancelCopy();
                        }
                    }
                    return rows;
                }
            };
        }

        private String bound(SnapshotTable table, Described d, String op, List<String> value) {
            StringBuilder b = new StringBuilder("(").append(columnList(table.key())).append(") ").append(op)
                    .append(" (");
            for (int i = 0; i < value.size(); i++) {
                String v = value.get(i);
                b.append(i == 0 ? "" : ", ");
                if (v == null) {
                    b.append("NULL");
                } else {
                    b.append("E'").append(v.replace("\\", "\\\\").replace("'", "''")).append("'::")
                            .append(d.types().get(table.key().get(i)));
                }
            }
            return b.append(')').toString();
        }

        @Override
        public void close() {
            for (Connection c : readers) {
                try {
                    c.commit();
                } catch (SQLException e) {
                    LOG.debug("could not end a snapshot transaction", e);
                }
                closeQuietly(c);
            }
        }

        @Override
        public void abandon() throws SQLException {
            close();
            if (createdSlot) {
                try (Connection c = connections.normal();
                     PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, config.slotName());
                    ps.execute();
                    LOG.info("dropped replication slot {}: the load did not begin", config.slotName());
                }
            }
        }
    }

    private static String qualified(SnapshotTable table) {
        return PgPreflight.quoted(table.target().schema()) + "." + PgPreflight.quoted(table.target().table());
    }

    private static String columnList(List<String> columns) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(PgPreflight.quoted(columns.get(i)));
        }
        return b.toString();
    }

    /** Opens the dialect's two kinds of source connection. */
    interface PgConnections {
        Connection normal() throws SQLException;

        Connection replication() throws SQLException;
    }
}
