package io.cdcsink.metadata;

import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.Loads;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Loads in the metadata schema of the target database: {@code _cdc_sink.}{@value #LOADS}{@code (loop_name, tables,
 * started_at, finished_at)} and {@code _cdc_sink.}{@value #CHUNKS}{@code (loop_name, chunk, table_schema,
 * table_name, after_key, up_to_key, rows, copied_at)}, the keys as text arrays.
 */
public final class SqlLoads implements Loads {
    public static final String LOADS = "loads";
    public static final String CHUNKS = "load_chunks";

    private final TargetPools pools;
    private final SqlMetadataSchema area;

    @Inject
    public SqlLoads(TargetPools pools, SqlMetadataSchema area) {
        this.pools = pools;
        this.area = area;
    }

    @Override
    public void prepare(String database) {
        area.ensureTables(database, LOADS, List.of(
                "CREATE TABLE IF NOT EXISTS " + area.qualify(database, LOADS) + " (loop_name TEXT PRIMARY KEY,"
                        + " tables TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                        + " finished_at TIMESTAMPTZ)",
                "CREATE TABLE IF NOT EXISTS " + area.qualify(database, CHUNKS) + " (loop_name TEXT NOT NULL,"
                        + " chunk INT NOT NULL, table_schema TEXT NOT NULL, table_name TEXT NOT NULL,"
                        + " after_key TEXT[], up_to_key TEXT[], rows BIGINT NOT NULL DEFAULT 0,"
                        + " copied_at TIMESTAMPTZ, PRIMARY KEY (loop_name, chunk))"));
    }

    @Override
    public Optional<Load> load(String database, String loopName) {
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            String tables;
            Timestamp started;
            Timestamp finished;
            try (PreparedStatement ps = conn.prepareStatement("SELECT tables, started_at, finished_at FROM "
                    + area.qualify(database, LOADS) + " WHERE loop_name = ?")) {
                ps.setString(1, loopName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    tables = rs.getString(1);
                    started = rs.getTimestamp(2);
                    finished = rs.getTimestamp(3);
                }
            }
            List<Chunk> chunks = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT chunk, table_schema, table_name, after_key,"
                    + " up_to_key, rows, copied_at IS NOT NULL FROM " + area.qualify(database, CHUNKS)
                    + " WHERE loop_name = ? ORDER BY chunk")) {
                ps.setString(1, loopName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        chunks.add(new Chunk(rs.getInt(1), new TableName(database, rs.getString(2),
                                rs.getString(3)), key(rs.getArray(4)), key(rs.getArray(5)), rs.getLong(6),
                                rs.getBoolean(7)));
                    }
                }
            }
            return Optional.of(new Load(tables, started.toInstant(),
                    Optional.ofNullable(finished).map(Timestamp::toInstant), chunks));
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read the load of loop " + loopName + " from "
                    + database + "." + area.qualify(database, LOADS) + ": " + e.getMessage(), e);
        }
    }

    private static Optional<List<String>> key(Array array) throws SQLException {
        if (array == null) {
            return Optional.empty();
        }
        return Optional.of(Arrays.asList((String[]) array.getArray()));
    }

    @Override
    public void begin(Connection tx, String database, String loopName, String tables, List<Chunk> chunks)
            throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM " + area.qualify(database, CHUNKS)
                + " WHERE loop_name = ?")) {
            ps.setString(1, loopName);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + area.qualify(database, LOADS)
                + " (loop_name, tables, started_at, finished_at) VALUES (?, ?, now(), NULL)"
                + " ON CONFLICT (loop_name) DO UPDATE SET tables = excluded.tables,"
                + " started_at = excluded.started_at, finished_at = NULL")) {
            ps.setString(1, loopName);
            ps.setString(2, tables);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + area.qualify(database, CHUNKS)
                + " (loop_name, chunk, table_schema, table_name, after_key, up_to_key) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Chunk c : chunks) {
                ps.setString(1, loopName);
                ps.setInt(2, c.id());
                ps.setString(3, c.table().schema());
                ps.setString(4, c.table().table());
                ps.setArray(5, array(tx, c.after()));
                ps.setArray(6, array(tx, c.upTo()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Array array(Connection tx, Optional<List<String>> key) throws SQLException {
        return key.isEmpty() ? null : tx.createArrayOf("text", key.get().toArray());
    }

    @Override
    public void copied(Connection tx, String database, String loopName, int chunk, long rows) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE " + area.qualify(database, CHUNKS)
                + " SET rows = ?, copied_at = now() WHERE loop_name = ? AND chunk = ?")) {
            ps.setLong(1, rows);
            ps.setString(2, loopName);
            ps.setInt(3, chunk);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("chunk " + chunk + " of the load of loop " + loopName + " is not planned");
            }
        }
    }

    @Override
    public void finish(Connection tx, String database, String loopName) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE " + area.qualify(database, LOADS)
                + " SET finished_at = now() WHERE loop_name = ?")) {
            ps.setString(1, loopName);
            ps.executeUpdate();
        }
    }
}
