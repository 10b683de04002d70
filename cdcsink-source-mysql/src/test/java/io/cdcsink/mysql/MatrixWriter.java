package io.cdcsink.mysql;

import io.cdcsink.mysql.TypeMatrix.Column;
import io.cdcsink.mysql.TypeMatrix.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the change cases of the type matrix into a source table, each in the transactions the case is about:
 * <ol>
 *   <li>{@link #BULK} new keys in one transaction (the apply layer's COPY path);</li>
 *   <li>single-row transactions (its upsert path): a new key, an update of some columns;</li>
 *   <li>several changes of one key in one transaction: insert, two updates, delete and insert again;</li>
 *   <li>one key changed in consecutive transactions;</li>
 *   <li>key changes of ten rows, with an update of a moved row in the same transaction;</li>
 *   <li>deletes.</li>
 * </ol>
 * Values come from a {@link Values} (edge values or generated rows); ids are {@code base + n}.
 */
final class MatrixWriter implements AutoCloseable {
    /** New keys of the bulk transaction: more than the 60 that make the apply layer COPY. */
    static final int BULK = 70;
    /** The number of cases {@link #cases} writes. */
    static final int CASES = 6;

    /** The literal of {@code table.columns().get(column)} in value row {@code row}. */
    interface Values {
        String literal(int row, int column);
    }

    private final Connection conn;

    MatrixWriter(Connection conn) throws SQLException {
        this.conn = conn;
        try (Statement st = conn.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
        }
        conn.setAutoCommit(false);
    }

    /** Writes every case into {@code table} with ids above {@code base}. */
    void cases(Table table, Values values, int base) throws SQLException {
        sqlMode(table.sqlMode());
        List<String> bulk = new ArrayList<>();
        for (int n = 1; n <= BULK; n++) {
            bulk.add(row(table, values, base + n, n - 1));
        }
        tx(insert(table, bulk));
        tx(insert(table, List.of(row(table, values, base + BULK + 1, BULK))));
        tx(update(table, values, base + 1, BULK + 1, true));
        tx(insert(table, List.of(row(table, values, base + BULK + 2, BULK + 2))),
                update(table, values, base + BULK + 2, BULK + 3, false),
                update(table, values, base + BULK + 2, BULK + 4, true),
                "DELETE FROM `" + table.name() + "` WHERE id = " + (base + 3),
                insert(table, List.of(row(table, values, base + 3, BULK + 5))));
        for (int k = 0; k < 3; k++) {
            tx(update(table, values, base + 2, BULK + 6 + k, k % 2 == 0));
        }
        int moved = table.key().get(0).name().equals("id") ? base + 10 + 10_000 : base + 10;
        tx(String.format(table.keyChange(), base + 10, base + 19), update(table, values, moved, BULK + 9, true));
        tx("DELETE FROM `" + table.name() + "` WHERE id BETWEEN " + base + " AND " + (base + BULK)
                + " AND id % 7 = 0");
    }

    /** Runs statements in one transaction. */
    void tx(String... statements) throws SQLException {
        try (Statement st = conn.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
        conn.commit();
    }

    void sqlMode(String mode) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("SET SESSION sql_mode = '" + mode + "'");
        }
    }

    /** The values tuple of row {@code id}: its key, its id, and the value row's literals. */
    private static String row(Table table, Values values, int id, int row) {
        List<String> literals = new ArrayList<>();
        if (!table.key().get(0).name().equals("id")) {
            literals.addAll(MatrixTables.keyedKey(id));
        } else {
            literals.add(String.valueOf(id));
        }
        for (int i = 0; i < table.columns().size(); i++) {
            literals.add(table.columns().get(i).name().equals("id") ? String.valueOf(id) : values.literal(row, i));
        }
        return "(" + String.join(", ", literals) + ")";
    }

    private static String insert(Table table, List<String> rows) {
        List<String> names = new ArrayList<>();
        for (Column c : table.all()) {
            names.add("`" + c.name() + "`");
        }
        return "INSERT INTO `" + table.name() + "` (" + String.join(", ", names) + ") VALUES "
                + String.join(", ", rows);
    }

    /** Sets every second column (or all) of row {@code id} to value row {@code row}. */
    private static String update(Table table, Values values, int id, int row, boolean all) {
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < table.columns().size(); i++) {
            Column c = table.columns().get(i);
            if (!c.name().equals("id") && (all || i % 2 == 0)) {
                sets.add("`" + c.name() + "` = " + values.literal(row, i));
            }
        }
        if (sets.isEmpty()) {
            sets.add("id = id");
        }
        return "UPDATE `" + table.name() + "` SET " + String.join(", ", sets) + " WHERE id = " + id;
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
