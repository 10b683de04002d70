package io.cdcsink.api.preflight;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads foreign keys, unique keys and checks of a table from {@code pg_catalog}. Used for the target and for a
 * PostgreSQL source alike.
 */
public final class PgConstraintReader {
    private static final String CONSTRAINTS = """
            SELECT con.conname, con.contype, con.condeferred, pg_catalog.pg_get_constraintdef(con.oid),
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                          ORDER BY k.ord) AS cols,
                   CASE WHEN con.contype = 'f' THEN con.confrelid::regclass::text END AS refs
              FROM pg_catalog.pg_constraint con
              JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND con.contype IN ('f', 'u', 'c')
             ORDER BY con.conname""";

    // Unique indexes created with CREATE UNIQUE INDEX: they have no pg_constraint row.
    private static final String UNIQUE_INDEXES = """
            SELECT ic.relname,
                   ARRAY(SELECT a.attname::text
                           FROM generate_subscripts(i.indkey::int2[], 1) AS s(n)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid
                                AND a.attnum = (i.indkey::int2[])[s.n]
                          WHERE s.n < i.indnkeyatts
                          ORDER BY s.n) AS cols
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND i.indisunique AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid)
             ORDER BY ic.relname""";

    private PgConstraintReader() {
    }

    /** The table's constraints; empty lists for a table that does not exist. */
    public static TableConstraints read(Connection conn, String schema, String table) throws SQLException {
        List<TableConstraints.ForeignKey> fks = new ArrayList<>();
        List<TableConstraints.UniqueKey> uniques = new ArrayList<>();
        List<TableConstraints.Check> checks = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(CONSTRAINTS)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    switch (rs.getString(2)) {
                        case "f" -> fks.add(new TableConstraints.ForeignKey(name, rs.getString(6), rs.getBoolean(3)));
                        case "u" -> uniques.add(new TableConstraints.UniqueKey(name, names(rs.getArray(5)), false));
                        default -> checks.add(new TableConstraints.Check(name, rs.getString(4)));
                    }
                }
            }
        }
        try (PreparedStatement ps = conn.prepareStatement(UNIQUE_INDEXES)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uniques.add(new TableConstraints.UniqueKey(rs.getString(1), names(rs.getArray(2)), true));
                }
            }
        }
        return new TableConstraints(fks, uniques, checks);
    }

    private static List<String> names(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
