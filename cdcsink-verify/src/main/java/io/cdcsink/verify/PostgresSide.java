package io.cdcsink.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** PostgreSQL: {@code trim_scale} (PostgreSQL 13 and later) for numbers, UTC for instants, {@code jsonb} for JSON. */
final class PostgresSide extends Side {
    @Override
    String name() {
        return "PostgreSQL";
    }

    @Override
    String quote(String identifier) {
        return quoteIdent(identifier);
    }

    static String quoteIdent(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    List<String> setup() {
        return List.of("SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'", "SET extra_float_digits = 1",
                "SET IntervalStyle = 'postgres'", "SET bytea_output = 'hex'");
    }

    @Override
    String tablesSql() {
        return "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'"
                + " ORDER BY table_name";
    }

    @Override
    TableShape shape(Connection c, String schema, String table) throws SQLException {
        String relation = quote(schema) + "." + quote(table);
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, t.typname, format_type(a.atttypid,"
                + " a.atttypmod) FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid ="
                + " to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        List<String> key = strings(c, "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL"
                + " unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = k.attnum WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.ord",
                relation);
        return new TableShape(schema, table, columns, key);
    }

    @Override
    String canonical(Column c, Kind kind) {
        String q = quote(c.name());
        boolean numeric = Kind.ofPostgres(c.type()) == Kind.NUMBER;
        return switch (kind) {
            case NUMBER -> numeric ? "trim_scale(" + q + "::numeric)::text" : q + "::text";
            case FLOAT -> "replace(" + q + "::text, 'e+', 'e')";
            case BOOLEAN -> c.type().equals("bool") ? "CASE WHEN " + q + " THEN '1' ELSE '0' END"
                    : "CASE WHEN " + q + "::numeric <> 0 THEN '1' ELSE '0' END";
            case DATE -> "to_char(" + q + ", 'YYYY-MM-DD')";
            case TIMESTAMP -> "to_char(" + q + ", 'YYYY-MM-DD HH24:MI:SS.US')";
            case TIMESTAMPTZ -> c.type().equals("timestamptz")
                    ? "to_char(" + q + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
                    : "to_char(" + q + ", 'YYYY-MM-DD HH24:MI:SS.US')";
            case BYTES -> c.type().equals("bytea") ? "encode(" + q + ", 'hex')" : q + "::text";
            case JSON, TEXT, BITS -> q + "::text";
        };
    }

    @Override
    String raw(Column c) {
        return quote(c.name()) + "::text";
    }

    /** The types whose order a collation decides; every other type (uuid, inet, enum, ...) has its own. */
    private static final java.util.Set<String> COLLATABLE = java.util.Set.of("text", "varchar", "bpchar", "name",
            "citext");

    @Override
    String order(Column c, Kind kind) {
        String q = quote(c.name());
        return COLLATABLE.contains(c.type().toLowerCase(java.util.Locale.ROOT)) ? q + " COLLATE \"C\"" : q;
    }

    @Override
    String param(Column c, Kind kind) {
        return "CAST(? AS " + c.fullType() + ")";
    }

    @Override
    String rowHash(List<String> canonical) {
        List<String> parts = new ArrayList<>(canonical.size());
        for (String e : canonical) {
            parts.add("coalesce('v' || " + e + ", 'n')");
        }
        return "md5(concat_ws(chr(31), " + String.join(", ", parts) + "))";
    }

    @Override
    String chunkHash(String from, String orderBy) {
        return "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY " + orderBy + "), '')) FROM (" + from
                + ") AS s";
    }
}
