package io.cdcsink.mysql;

import io.cdcsink.mysql.TypeMatrix.Column;
import io.cdcsink.mysql.TypeMatrix.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads every row of a matrix table from the source and the target, each cell through its side's output function and
 * the column kind's normaliser, and names every cell that differs: table, key, column, source text, target text.
 */
final class MatrixComparison {
    private MatrixComparison() {
    }

    /** What a comparison found: every difference (none when both sides hold the same rows) and what it read. */
    record Result(List<String> differences, int rows, int cells) {
    }

    /** Compares the two sides of {@code table}. */
    static Result compare(Connection source, Connection target, Table table) throws SQLException {
        Map<String, List<String>> sourceRows = rows(source, table, true);
        Map<String, List<String>> targetRows = rows(target, table, false);
        List<String> out = new ArrayList<>();
        List<Column> columns = table.all();
        TreeSet<String> keys = new TreeSet<>(sourceRows.keySet());
        keys.addAll(targetRows.keySet());
        for (String key : keys) {
            List<String> s = sourceRows.get(key);
            List<String> t = targetRows.get(key);
            if (s == null || t == null) {
                out.add("table " + table.name() + ", key " + key + ": only in the " + (s == null ? "target" : "source"));
                continue;
            }
            for (int i = 0; i < columns.size(); i++) {
                if (!Objects.equals(s.get(i), t.get(i))) {
                    out.add("table " + table.name() + ", key " + key + ", column " + columns.get(i).name()
                            + ": source " + shown(s.get(i)) + ", target " + shown(t.get(i)));
                }
            }
        }
        return new Result(out, sourceRows.size(), sourceRows.size() * columns.size());
    }

    /** Rows by key (the key columns' canonical texts), each the canonical text of every column. */
    private static Map<String, List<String>> rows(Connection conn, Table table, boolean source) throws SQLException {
        List<Column> columns = table.all();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            sql.append(i > 0 ? ", " : "").append(source ? c.kind().source("`" + c.name() + "`", c.bits())
                    : c.kind().target("\"" + c.name() + "\""));
        }
        sql.append(source ? " FROM `" + table.name() + "`" : " FROM \"" + table.name() + "\"");
        Map<String, List<String>> rows = new TreeMap<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.add(columns.get(i).kind().canonical(rs.getString(i + 1)));
                }
                rows.put(String.join("|", values.subList(0, table.key().size())), values);
            }
        }
        return rows;
    }

    /** A cell for the message: quoted, with invisible characters spelt out. */
    private static String shown(String value) {
        if (value == null) {
            return "NULL";
        }
        StringBuilder sb = new StringBuilder("'");
        value.codePoints().forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFD) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('\'').toString();
    }
}
