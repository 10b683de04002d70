package io.cdcsink.pg;

import io.cdcsink.api.TableName;
import io.cdcsink.api.preflight.PgConstraintReader;
import io.cdcsink.api.preflight.SourceColumn;
import io.cdcsink.api.preflight.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link SourceCatalog} over an ordinary (non-replication) connection to the source database. */
final class PgSourceCatalog implements SourceCatalog {
    // indkey holds the key columns first (indnkeyatts of them), then INCLUDE columns.
    private static final String KEY_COLUMNS = """
            SELECT a.attname
              FROM pg_index i
             CROSS JOIN LATERAL generate_subscripts(i.indkey::int2[], 1) AS s(n)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = (i.indkey::int2[])[s.n]
             WHERE i.indrelid = (?)::oid
               AND s.n < i.indnkeyatts
               AND CASE WHEN ? THEN i.indisreplident ELSE i.indisprimary END
             ORDER BY s.n""";

    // Generated columns are not published, so they are left out as the target never receives them.
    private static final String PUBLISHED_COLUMNS = """
            SELECT n.nspname, c.relname, c.oid, c.relreplident, a.attname,
                   pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
              FROM pg_catalog.pg_publication_tables pt
              JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname
              JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE pt.pubname = ? AND a.attgenerated = ''
             ORDER BY n.nspname, c.relname, a.attnum""";

    private static final String TYPE_NAMES = """
            SELECT pg_catalog.format_type(t.o, t.m)
              FROM unnest(CAST(? AS oid[]), CAST(? AS int4[])) WITH ORDINALITY AS t(o, m, n)
             ORDER BY t.n""";

    private final Connection conn;

    PgSourceCatalog(Connection conn) {
        this.conn = conn;
    }

    @Override
    public List<String> keyColumns(int relationId, char replicaIdentity) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(KEY_COLUMNS)) {
            ps.setLong(1, Integer.toUnsignedLong(relationId));
            ps.setBoolean(2, replicaIdentity == PgOutputMessage.Relation.IDENTITY_INDEX);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    @Override
    public List<String> typeNames(List<PgOutputMessage.Column> columns) throws SQLException {
        if (columns.isEmpty()) {
            return List.of();
        }
        StringBuilder oids = new StringBuilder("{");
        StringBuilder mods = new StringBuilder("{");
        for (PgOutputMessage.Column c : columns) {
            oids.append(oids.length() > 1 ? "," : "").append(Integer.toUnsignedLong(c.typeOid()));
            mods.append(mods.length() > 1 ? "," : "").append(c.typeModifier());
        }
        try (PreparedStatement ps = conn.prepareStatement(TYPE_NAMES)) {
            ps.setString(1, oids.append('}').toString());
            ps.setString(2, mods.append('}').toString());
            List<String> names = new ArrayList<>(columns.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names.size() == columns.size() ? names : List.of();
        }
    }

    /**
     * The tables of a publication with their columns, keys and constraints, each mapped to the target table
     * pglogical writes: same schema and name in {@code targetDatabase}.
     */
    public List<SourceTable> publishedTables(String publication, String sourceDatabase, String targetDatabase)
            throws SQLException {
        record Column(String schema, String table, int oid, char identity, String name, String type,
                      boolean nullable) {
        }
        Map<String, List<Column>> byTable = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(PUBLISHED_COLUMNS)) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String identity = rs.getString(4);
                    Column c = new Column(rs.getString(1), rs.getString(2), (int) rs.getLong(3),
                            identity == null || identity.isEmpty() ? 'd' : identity.charAt(0), rs.getString(5),
                            rs.getString(6), rs.getBoolean(7));
                    byTable.computeIfAbsent(c.schema() + "\0" + c.table(), k -> new ArrayList<>()).add(c);
                }
            }
        }
        List<SourceTable> tables = new ArrayList<>(byTable.size());
        for (List<Column> columns : byTable.values()) {
            Column first = columns.get(0);
            List<String> key = keyColumns(first.oid(), first.identity());
            List<SourceColumn> out = new ArrayList<>(columns.size());
            for (Column c : columns) {
                out.add(new SourceColumn(c.name(), c.type(), c.type(), c.nullable(), key.indexOf(c.name()) + 1));
            }
            tables.add(new SourceTable(sourceDatabase + "." + first.schema() + "." + first.table(),
                    new TableName(targetDatabase, first.schema(), first.table()), out,
                    PgConstraintReader.read(conn, first.schema(), first.table())));
        }
        return tables;
    }
}
