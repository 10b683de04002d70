package io.cdcsink.apply;

import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.ForeignKeyGraph;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.TargetUnavailableException;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads target table shapes from {@code pg_catalog}, which PostgreSQL and CockroachDB both provide (on MySQL and
 * MariaDB from {@code information_schema}, {@link MySqlCatalog}), and caches them
 * per table. A table missing from the cache is read at once, and absent tables are never cached, so a table created
 * after start-up is usable by the very next request (the original tool polled every minute).
 *
 * <p>Identity columns ({@code GENERATED ... AS IDENTITY}) count as writable with a default: replication must keep
 * the source's values. Only generated (computed) columns are marked {@link ColumnInfo#generated()}.
 */
public final class TargetSchemaCatalog implements SchemaCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(TargetSchemaCatalog.class);
    private static final long JSON_OID = 114;
    private static final long JSONB_OID = 3802;

    // One row per live column; a single row of NULLs when the table exists without columns; no row when it is absent.
    private static final String COLUMNS_SQL = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS formatted,
                   t.oid AS type_oid, tn.nspname AS type_schema, t.typname AS type_name,
                   et.oid IS NOT NULL AS is_array, etn.nspname AS elem_schema, et.typname AS elem_name,
                   a.attgenerated, a.attidentity, a.atthasdef, a.attnotnull, t.typtype, t.typbasetype
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
              LEFT JOIN pg_catalog.pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem
              LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
             ORDER BY a.attnum""";

    // indkey is an int2vector; its text form ("2 1") is the same on both products, so we parse it ourselves.
    private static final String PRIMARY_KEY_SQL = """
            SELECT i.indkey::text
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary""";

    private static final String ATTNUM_SQL = """
            SELECT a.attname, a.attnum
              FROM pg_catalog.pg_attribute a
              JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped""";

    private static final String TABLES_SQL = """
            SELECT c.relname
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relkind IN ('r', 'p')
             ORDER BY c.relname""";

    private static final String INVALID_CATALOG_NAME = "3D000";
    /** MySQL's and MariaDB's ER_BAD_DB_ERROR. */
    private static final int MYSQL_UNKNOWN_DATABASE = 1049;
    /** Foreign keys are read again after this long, or at once after a {@link #refresh} of a table. */
    private static final Duration FOREIGN_KEYS_MAX_AGE = Duration.ofMinutes(1);

    private final TargetPools pools;
    private final Map<TableName, TableInfo> cache = new ConcurrentHashMap<>();
    private final Map<String, ReadKeys> foreignKeys = new ConcurrentHashMap<>();

    private record ReadKeys(ForeignKeyGraph graph, long readNanos) {
    }

    @Inject
    public TargetSchemaCatalog(TargetPools pools) {
        this.pools = pools;
    }

    @Override
    public Optional<TableInfo> table(TableName table) {
        TableInfo cached = cache.get(table);
        return cached != null ? Optional.of(cached) : refresh(table);
    }

    @Override
    public Optional<TableInfo> refresh(TableName table) {
        // New or changed tables may come with new foreign keys.
        foreignKeys.remove(table.database());
        Optional<TableInfo> loaded = load(table);
        loaded.ifPresentOrElse(info -> cache.put(table, info), () -> cache.remove(table));
        return loaded;
    }

    @Override
    public Optional<TableInfo> refresh(Connection tx, TableName table) throws SQLException {
        Optional<TableInfo> loaded = load(tx, table);
        loaded.ifPresentOrElse(info -> cache.put(table, info), () -> cache.remove(table));
        return loaded;
    }

    @Override
    public void requireSchema(SchemaName schema) {
        try (Connection c = pools.forDatabase(schema.database()).getConnection()) {
            pools.dialect().requireSchema(c, schema);
        } catch (SQLException e) {
            throw failure(schema.database(), "could not look up target schema " + schema, e);
        }
    }

    @Override
    public void forget(TableName table) {
        cache.remove(table);
    }

    @Override
    public List<TableName> tables(SchemaName schema) {
        try (Connection c = pools.forDatabase(schema.database()).getConnection();
             PreparedStatement ps = c.prepareStatement(mysql() ? MySqlCatalog.TABLES_SQL : TABLES_SQL)) {
            ps.setString(1, schema.schema());
            List<TableName> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(schema.table(rs.getString(1)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(schema.database(), "could not list the tables of schema " + schema, e);
        }
    }

    @Override
    public ForeignKeyGraph foreignKeys(String database) {
        ReadKeys read = foreignKeys.get(database);
        if (read != null && System.nanoTime() - read.readNanos() < FOREIGN_KEYS_MAX_AGE.toNanos()) {
            return read.graph();
        }
        try (Connection c = pools.forDatabase(database).getConnection()) {
            ForeignKeyGraph graph = mysql() ? MySqlCatalog.foreignKeys(c, database) : ForeignKeyReader.read(c, database);
            foreignKeys.put(database, new ReadKeys(graph, System.nanoTime()));
            LOG.debug("read {} foreign keys of database {}", graph.keys().size(), database);
            return graph;
        } catch (SQLException e) {
            throw failure(database, "could not read the foreign keys of database " + database, e);
        }
    }

    private Optional<TableInfo> load(TableName table) {
        try (Connection c = pools.forDatabase(table.database()).getConnection()) {
            return load(c, table);
        } catch (SQLException e) {
            throw failure(table.database(), "could not read the schema of table " + table, e);
        }
    }

    private boolean mysql() {
        return pools.dialect().product() == TargetDialect.Product.MYSQL;
    }

    private Optional<TableInfo> load(Connection c, TableName table) throws SQLException {
        if (mysql()) {
            Optional<TableInfo> info = MySqlCatalog.table(c, table);
            LOG.debug("loaded {} from information_schema", table);
            return info;
        }
        List<RawColumn> raw = readColumns(c, table);
        if (raw == null) {
            return Optional.empty();
        }
        Map<String, Integer> keyPositions = readPrimaryKey(c, table);
        TargetDialect dialect = pools.dialect();
        List<ColumnInfo> columns = new ArrayList<>(raw.size());
        for (RawColumn r : raw) {
            columns.add(new ColumnInfo(r.name, r.castType(dialect), keyPositions.getOrDefault(r.name, 0),
                    r.generated, r.hasDefault, r.nullable, isJson(c, r)));
        }
        TableInfo info = new TableInfo(table, columns);
        LOG.debug("loaded {} columns of {}", columns.size(), table);
        return Optional.of(info);
    }

    /**
     * Whether the column's type is json or jsonb, after following domains down to their base type (rows in
     * {@link io.cdcsink.api.ValueFormat#TEXT} carry such values as text the apply layer must parse, not as JSON
     * strings).
     */
    private static boolean isJson(Connection c, RawColumn r) throws SQLException {
        if (r.array) {
            return false;
        }
        long oid = r.typeOid;
        String typtype = r.typtype;
        long base = r.baseOid;
        // Domains over domains are rare; each level is one lookup, a handful at most.
        for (int depth = 0; "d".equals(typtype) && depth < 16; depth++) {
            oid = base;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT typtype, typbasetype FROM pg_catalog.pg_type WHERE oid = CAST(? AS oid)")) {
                ps.setLong(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    typtype = rs.getString(1);
                    base = rs.getLong(2);
                }
            }
        }
        return oid == JSON_OID || oid == JSONB_OID;
    }

    /**
     * A missing database is the request's fault (pools normally report it themselves, but a pool may only find out
     * when connecting); anything else means the target is in trouble and the caller should retry.
     */
    private static RuntimeException failure(String database, String what, SQLException e) {
        if (INVALID_CATALOG_NAME.equals(e.getSQLState()) || e.getErrorCode() == MYSQL_UNKNOWN_DATABASE) {
            return new BadInputException("database " + database + " does not exist", e);
        }
        return new TargetUnavailableException(what, e);
    }

    /** Null when the table does not exist. */
    private static List<RawColumn> readColumns(Connection c, TableName table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                List<RawColumn> out = null;
                while (rs.next()) {
                    if (out == null) {
                        out = new ArrayList<>();
                    }
                    String name = rs.getString("attname");
                    if (name == null) {
                        continue; // the table exists but has no columns
                    }
                    boolean array = rs.getBoolean("is_array");
                    String identity = rs.getString("attidentity");
                    boolean isIdentity = identity != null && !identity.isEmpty();
                    String generated = rs.getString("attgenerated");
                    out.add(new RawColumn(name, rs.getString("formatted"),
                            array ? rs.getString("elem_schema") : rs.getString("type_schema"),
                            array ? rs.getString("elem_name") : rs.getString("type_name"), array,
                            generated != null && !generated.isEmpty(),
                            rs.getBoolean("atthasdef") || isIdentity, !rs.getBoolean("attnotnull"),
                            rs.getLong("type_oid"), rs.getString("typtype"), rs.getLong("typbasetype")));
                }
                return out;
            }
        }
    }

    private static Map<String, Integer> readPrimaryKey(Connection c, TableName table) throws SQLException {
        Map<Integer, String> byAttnum = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ATTNUM_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byAttnum.put(rs.getInt(2), rs.getString(1));
                }
            }
        }
        String indkey = null;
        try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY_SQL)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    indkey = rs.getString(1);
                }
            }
        }
        Map<String, Integer> positions = new HashMap<>();
        if (indkey == null || indkey.isBlank()) {
            return positions;
        }
        String[] parts = indkey.trim().split("\\s+");
        for (int i = 0; i < parts.length; i++) {
            String name = byAttnum.get(Integer.parseInt(parts[i]));
            if (name != null) {
                positions.put(name, i + 1);
            }
        }
        return positions;
    }

    private record RawColumn(String name, String formatted, String typeSchema, String typeName, boolean array,
                             boolean generated, boolean hasDefault, boolean nullable, long typeOid, String typtype,
                             long baseOid) {
        /**
         * Built-in types keep format_type's text, which carries the modifiers ({@code numeric(10,2)}). User types
         * (enums, domains) are qualified by their schema, because format_type leaves the schema out when it is on
         * the search path of the connection that read the catalog, which need not be the one that casts.
         */
        String castType(TargetDialect dialect) {
            if (typeSchema == null || typeName == null || "pg_catalog".equals(typeSchema)) {
                return formatted;
            }
            return dialect.quote(typeSchema) + "." + dialect.quote(typeName) + (array ? "[]" : "");
        }
    }
}
