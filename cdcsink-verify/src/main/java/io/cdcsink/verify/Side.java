package io.cdcsink.verify;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * The SQL one side of a comparison speaks: how it names things, reads its catalog, renders a column into the
 * canonical text of a {@link Kind}, orders keys and hashes rows. Rows hash alike on both sides exactly when their
 * canonical texts are equal: each value is {@code 'v' || text} or {@code 'n'} for NULL, the values are joined with
 * the unit separator (character 31) and hashed with MD5; a chunk's hash is the MD5 of its rows' hashes in key order.
 * Text keys are ordered by their bytes ({@code COLLATE "C"}, {@code BINARY}) so both sides cut the same chunks.
 */
abstract class Side {
    /** The product of a connection. */
    static Side of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return new PostgresSide();
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return new MySqlSide();
        }
        throw new SQLException("cannot verify a " + product + " database: only PostgreSQL and MySQL/MariaDB");
    }

    abstract String name();

    abstract String quote(String identifier);

    String qualified(TableShape t) {
        return quote(t.schema()) + "." + quote(t.name());
    }

    /** Statements run once on each connection before anything else. */
    abstract List<String> setup();

    void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : setup()) {
                s.execute(sql);
            }
        }
    }

    /** The base tables of a schema (a database on MySQL), by name. */
    List<String> tables(Connection c, String schema) throws SQLException {
        return strings(c, tablesSql(), schema);
    }

    /** Selects the names of the base tables of the schema that is its parameter, in order. */
    abstract String tablesSql();

    /** The first column of every row the query returns, its parameters bound as text. */
    static List<String> strings(Connection c, String sql, String... params) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** A table's columns and primary key; empty columns when the table does not exist. */
    abstract TableShape shape(Connection c, String schema, String table) throws SQLException;

    /** The column rendered as the kind's canonical text (NULL stays NULL). */
    abstract String canonical(Column c, Kind kind);

    /** The column as this side's driver reads it back for binding (a key's raw value). */
    abstract String raw(Column c);

    /** The expression keys are ordered and compared by. */
    abstract String order(Column c, Kind kind);

    /** The placeholder a key value is bound to when compared with {@link #order}. */
    abstract String param(Column c, Kind kind);

    /** MD5 of the canonical texts joined as described above. */
    abstract String rowHash(List<String> canonical);

    /** {@code count(*)} and the MD5 of the rows' hashes {@code h} ordered by {@code orderBy}, over {@code from}. */
    abstract String chunkHash(String from, String orderBy);

    /** {@code (a, b) > (?, ?)}: a row comparison of the key's order expressions with as many placeholders. */
    String compare(List<String> order, List<String> params, String op) {
        return "(" + String.join(", ", order) + ") " + op + " (" + String.join(", ", params) + ")";
    }

    /** {@code LIMIT 1 OFFSET n}. */
    String limitOneOffset(long offset) {
        return " LIMIT 1 OFFSET " + offset;
    }
}
