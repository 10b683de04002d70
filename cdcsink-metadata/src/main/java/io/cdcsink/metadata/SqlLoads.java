package io.cdcsink.metadata;

import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.CopyText;
import io.cdcsink.engine.Loads;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Loads in the metadata schema of the target database: {@code _cdc_sink.}{@value #LOADS}{@code (loop_name, tables,
 * started_at, finished_at)} and {@code _cdc_sink.}{@value #CHUNKS}{@code (loop_name, chunk, table_schema,
 * table_name, after_key, up_to_key, rows, copied_at)}, the keys as text arrays (on MySQL as {@link #encode}d text).
 */
public final class SqlLoads implements Loads {
    public static final String LOADS = "loads";
    public static final String CHUNKS = "load_chunks";

    private final TargetPools pools;
    private final SqlMetadataSchema area;
    private final MetadataSql sql;

    @Inject
    public SqlLoads(TargetPools pools, SqlMetadataSchema area) {
        this.pools = pools;
        this.area = area;
        this.sql = area.sql();
    }

    @Override
    public void prepare(String database) {
        area.ensureTables(database, LOADS, sql.createLoads(area.qualify(database, LOADS),
                area.qualify(database, CHUNKS)));
    }

    @Override
    public Optional<Load> load(String database, String loopName) {
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            String tables;
            Instant started;
            Instant finished;
            try (PreparedStatement ps = conn.prepareStatement(sql.selectLoad(area.qualify(database, LOADS)))) {
                ps.setString(1, loopName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    tables = rs.getString(1);
                    started = sql.readTime(rs, 2);
                    finished = sql.readTime(rs, 3);
                }
            }
            List<Chunk> chunks = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(sql.selectChunks(area.qualify(database, CHUNKS)))) {
                ps.setString(1, loopName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        chunks.add(new Chunk(rs.getInt(1), new TableName(database, rs.getString(2),
                                rs.getString(3)), key(rs, 4), key(rs, 5), rs.getLong(6), rs.getBoolean(7)));
                    }
                }
            }
            return Optional.of(new Load(tables, started, Optional.ofNullable(finished), chunks));
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read the load of loop " + loopName + " from "
                    + database + "." + area.qualify(database, LOADS) + ": " + e.getMessage(), e);
        }
    }

    /** A key column: a text array, or where there are no arrays ({@link MetadataSql#arrays}) {@link #encode}d. */
    private Optional<List<String>> key(ResultSet rs, int column) throws SQLException {
        if (!sql.arrays()) {
            return Optional.ofNullable(rs.getString(column)).map(SqlLoads::decode);
        }
        Array array = rs.getArray(column);
        if (array == null) {
            return Optional.empty();
        }
        return Optional.of(Arrays.asList((String[]) array.getArray()));
    }

    /** A key's values as one line: escaped ({@link CopyText}) and separated by tabs. */
    static String encode(List<String> key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                out.append('\t');
            }
            CopyText.escape(out, key.get(i));
        }
        return out.toString();
    }

    /** The values {@link #encode} wrote. */
    static List<String> decode(String line) {
        List<String> values = new ArrayList<>();
        int from = 0;
        while (true) {
            int tab = line.indexOf('\t', from);
            int to = tab < 0 ? line.length() : tab;
            values.add(CopyText.unescape(line, from, to));
            if (tab < 0) {
                return values;
            }
            from = tab + 1;
        }
    }

    @Override
    public void begin(Connection tx, String database, String loopName, String tables, List<Chunk> chunks)
            throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql.deleteChunks(area.qualify(database, CHUNKS)))) {
            ps.setString(1, loopName);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement(sql.upsertLoad(area.qualify(database, LOADS)))) {
            ps.setString(1, loopName);
            ps.setString(2, tables);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement(sql.insertChunk(area.qualify(database, CHUNKS)))) {
            for (Chunk c : chunks) {
                ps.setString(1, loopName);
                ps.setInt(2, c.id());
                ps.setString(3, c.table().schema());
                ps.setString(4, c.table().table());
                bindKey(ps, 5, tx, c.after());
                bindKey(ps, 6, tx, c.upTo());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void bindKey(PreparedStatement ps, int index, Connection tx, Optional<List<String>> key)
            throws SQLException {
        if (sql.arrays()) {
            ps.setArray(index, key.isEmpty() ? null : tx.createArrayOf("text", key.get().toArray()));
        } else if (key.isEmpty()) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, encode(key.get()));
        }
    }

    @Override
    public void copied(Connection tx, String database, String loopName, int chunk, long rows) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql.chunkCopied(area.qualify(database, CHUNKS)))) {
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
        try (PreparedStatement ps = tx.prepareStatement(sql.loadFinished(area.qualify(database, LOADS)))) {
            ps.setString(1, loopName);
            ps.executeUpdate();
        }
    }
}
