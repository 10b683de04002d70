package io.cdcsink.metadata;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.DeadLetters;
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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dead letters in the metadata schema of each target database:
 * {@code <db>._cdc_sink.}{@value #TABLE}{@code (id, target_schema, target_table, key, nanos, logical, mutation, format,
 * error, sqlstate, dead_at)}, indexed by (schema, table, key). Which tables have dead letters is read per database
 * at most once a {@link #REFRESH} and kept up to date with what this process sets aside, so that checking a write's
 * keys costs nothing for a table without any; a dead letter another cdc-sink instance sets aside is seen here within
 * that time, and one removed by {@code cdc-sink deadletters} costs a query that finds no key until then.
 */
public final class SqlDeadLetters implements DeadLetters {
    public static final String TABLE = "dead_letters";

    private final TargetPools pools;
    private final SqlMetadataSchema area;
    private final MetadataSql sql;
    /** How long the list of a database's tables with dead letters is used before it is read again. */
    static final java.time.Duration REFRESH = java.time.Duration.ofMinutes(1);

    /** Per database: the tables that have (or had, in this process) dead letters, and when they were read. */
    private final Map<String, Lettered> lettered = new ConcurrentHashMap<>();

    private record Lettered(Set<TableName> tables, long readAt) {
    }

    /** Tables this process set rows of aside: always checked, whatever a refresh read before that commit. */
    private final Set<TableName> recorded = ConcurrentHashMap.newKeySet();

    private final long refreshNanos;

    @Inject
    public SqlDeadLetters(TargetPools pools, SqlMetadataSchema area) {
        this(pools, area, REFRESH);
    }

    SqlDeadLetters(TargetPools pools, SqlMetadataSchema area, java.time.Duration refresh) {
        this.pools = pools;
        this.area = area;
        this.sql = area.sql();
        this.refreshNanos = refresh.toNanos();
    }

    private String table(String database) {
        area.ensureTables(database, TABLE, sql.createDeadLetters(area.qualify(database, TABLE),
                pools.dialect().quote(TABLE + "_by_key")));
        return area.qualify(database, TABLE);
    }

    @Override
    public long record(Connection tx, TableName table, String key, Hlc time, Optional<String> mutation,
                       ValueFormat format, String error, Optional<String> sqlState) throws SQLException {
        String insert = sql.insertDeadLetter(table(table.database()));
        try (PreparedStatement ps = sql.insertReturns() ? tx.prepareStatement(insert)
                : tx.prepareStatement(insert, java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, key);
            ps.setLong(4, time.nanos());
            ps.setInt(5, time.logical());
            if (mutation.isPresent()) {
                ps.setString(6, mutation.get());
            } else {
                ps.setNull(6, Types.VARCHAR);
            }
            ps.setString(7, format.name().toLowerCase(Locale.ROOT));
            ps.setString(8, error);
            if (sqlState.isPresent()) {
                ps.setString(9, sqlState.get());
            } else {
                ps.setNull(9, Types.VARCHAR);
            }
            if (!sql.insertReturns()) {
                ps.executeUpdate();
            }
            try (ResultSet rs = sql.insertReturns() ? ps.executeQuery() : ps.getGeneratedKeys()) {
                rs.next();
                recorded.add(table);
                return rs.getLong(1);
            }
        }
    }

    @Override
    public Set<String> keysWithLetters(Connection tx, TableName table, Collection<String> keys) throws SQLException {
        if (keys.isEmpty() || !recorded.contains(table) && !tables(tx, table.database()).contains(table)) {
            return Set.of();
        }
        Set<String> found = new HashSet<>();
        try (PreparedStatement ps = tx.prepareStatement(sql.keysWithDeadLetters(table(table.database()),
                keys.size()))) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            bindAll(ps, 3, tx, "text", List.copyOf(keys));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    /** The database's tables with dead letters, read on first use and again after {@link #REFRESH}. */
    private Set<TableName> tables(Connection tx, String database) throws SQLException {
        Lettered known = lettered.get(database);
        long now = System.nanoTime();
        if (known != null && now - known.readAt() < refreshNanos) {
            return known.tables();
        }
        Set<TableName> tables = new java.util.HashSet<>();
        try (PreparedStatement ps = tx.prepareStatement(sql.tablesWithDeadLetters(table(database)));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new TableName(database, rs.getString(1), rs.getString(2)));
            }
        }
        lettered.put(database, new Lettered(Set.copyOf(tables), now));
        return tables;
    }

    @Override
    public List<DeadLetter> list(String database, Filter filter) throws SQLException {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (filter.table().isPresent()) {
            where.add("target_schema = ? AND target_table = ?");
            params.add(filter.table().get().schema());
            params.add(filter.table().get().table());
        }
        if (!filter.ids().isEmpty()) {
            where.add(sql.anyOf("id", filter.ids().size()));
            params.add(filter.ids());
        }
        if (filter.olderThan().isPresent()) {
            where.add("dead_at <= ?");
            params.add(Instant.now().minus(filter.olderThan().get()));
        }
        List<DeadLetter> letters = new ArrayList<>();
        try (Connection c = pools.forDatabase(database).getConnection();
             PreparedStatement ps = c.prepareStatement(sql.listDeadLetters(table(database),
                     where.isEmpty() ? "TRUE" : String.join(" AND ", where)))) {
            int index = 1;
            for (Object p : params) {
                if (p instanceof List<?> ids) {
                    index = bindAll(ps, index, c, "int8", ids);
                } else if (p instanceof Instant time) {
                    sql.bindTime(ps, index++, time);
                } else {
                    ps.setObject(index++, p);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(new DeadLetter(rs.getLong(1), new TableName(database, rs.getString(2),
                            rs.getString(3)), rs.getString(4), new Hlc(rs.getLong(5), rs.getInt(6)),
                            Optional.ofNullable(rs.getString(7)),
                            ValueFormat.valueOf(rs.getString(8).toUpperCase(Locale.ROOT)), rs.getString(9),
                            Optional.ofNullable(rs.getString(10)), sql.readTime(rs, 11)));
                }
            }
        }
        return letters;
    }

    /**
     * Binds the values from parameter {@code index} on, as one array of {@code type} or one parameter each
     * ({@link MetadataSql#anyOf}); returns the next parameter's index.
     */
    private int bindAll(PreparedStatement ps, int index, Connection conn, String type, List<?> values)
            throws SQLException {
        if (sql.arrays()) {
            Array array = conn.createArrayOf(type, values.toArray());
            ps.setArray(index, array);
            return index + 1;
        }
        for (Object value : values) {
            ps.setObject(index++, value);
        }
        return index;
    }

    @Override
    public boolean remove(Connection tx, String database, long id) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql.deleteDeadLetter(table(database)))) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }
}
