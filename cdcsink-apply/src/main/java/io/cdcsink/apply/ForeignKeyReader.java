package io.cdcsink.apply;

import io.cdcsink.api.TableName;
import io.cdcsink.engine.ForeignKeyGraph;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads every foreign key of a target database from {@code pg_catalog} (PostgreSQL and CockroachDB). */
final class ForeignKeyReader {
    private static final String FOREIGN_KEYS = """
            SELECT con.conname, cn.nspname, c.relname, pn.nspname, p.relname, con.condeferrable,
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                          ORDER BY k.ord) AS cols,
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                          ORDER BY k.ord) AS refcols
              FROM pg_catalog.pg_constraint con
              JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
              JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
              JOIN pg_catalog.pg_class p ON p.oid = con.confrelid
              JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
             WHERE con.contype = 'f'
             ORDER BY cn.nspname, c.relname, con.conname""";

    private ForeignKeyReader() {
    }

    /** The foreign keys of the database {@code conn} is connected to, named as tables of {@code database}. */
    static ForeignKeyGraph read(Connection conn, String database) throws SQLException {
        List<ForeignKeyGraph.ForeignKey> keys = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(FOREIGN_KEYS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(new ForeignKeyGraph.ForeignKey(rs.getString(1),
                        new TableName(database, rs.getString(2), rs.getString(3)), names(rs.getArray(7)),
                        new TableName(database, rs.getString(4), rs.getString(5)), names(rs.getArray(8)),
                        rs.getBoolean(6)));
            }
        }
        return keys.isEmpty() ? ForeignKeyGraph.EMPTY : new ForeignKeyGraph(keys);
    }

    private static List<String> names(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        try {
            return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
        } finally {
            array.free();
        }
    }
}
