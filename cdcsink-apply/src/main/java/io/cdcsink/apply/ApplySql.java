package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.ValueFormat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** The statements of one target product. Implementations only build and run SQL; callers validate and chunk. */
interface ApplySql {
    /** How many rows one statement may carry when each row binds {@code columnsPerRow} values. */
    int maxRowsPerStatement(int columnsPerRow);

    /** What an upsert statement did with its rows. */
    record Upserted(long written, long casDiscarded, long deadlineDiscarded) {
    }

    /**
     * Inserts the rows, or updates the listed columns of rows whose key exists; columns not listed keep their value
     * (update) or get their default (insert). The table's configuration adds expressions, and discards rows by
     * deadline (before anything is written) and by compare-and-set (existing rows only).
     *
     * @param columns the columns every row carries plus constant-expression columns, in table order, primary key
     *                included, generated excluded
     * @param rows    rows keyed by target column name; a row that kept its received text carries exactly the
     *                bound columns (those of {@code columns} without a constant expression)
     */
    Upserted upsert(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                    List<Row> rows) throws SQLException;

    /**
     * Writes new rows in bulk when the product has a faster path than the upsert for them (PostgreSQL's COPY),
     * without a limit on their number; returns false, leaving the transaction as it was, when it does not or when
     * the rows do not qualify (a key exists, a value needs the statement), and the caller upserts them.
     *
     * @param columns as for {@link #upsert}
     * @param rows    as for {@link #upsert}
     */
    default boolean insertNew(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                              List<Row> rows) throws SQLException {
        return false;
    }

    /**
     * Deletes rows by key; key columns with an expression are matched on the expression's value.
     *
     * @param keys key values in primary-key order, one array per row
     * @return rows deleted
     */
    long delete(Connection tx, TableInfo table, TableConfig config, List<ArrayNode> keys) throws SQLException;

    /**
     * Reads rows by key: for each key the target holds a row under, that row's values of {@code columns}, as values of
     * this applier's format (text under {@link io.cdcsink.api.ValueFormat#TEXT}, JSON under
     * {@link io.cdcsink.api.ValueFormat#CHANGEFEED_JSON}; SQL NULL as a JSON null). Key columns with an expression are
     * matched on the expression's value, as {@link #delete} matches them.
     *
     * @param keys key values in primary-key order
     * @return by the position of the key in {@code keys}, the values in {@code columns} order; keys the target has no
     *         row under are left out
     */
    Map<Integer, List<JsonNode>> readRows(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns,
                                          List<DecodedMutation.Key> keys) throws SQLException;

    /**
     * Converts every value to its column's type without writing, so a value the target cannot take is reported
     * before it is staged. Rows may carry any subset of the columns.
     *
     * @param rows new rows (deleted rows are given as {@code keys})
     * @param keys key values in primary-key order, one array per row
     */
    void checkValues(Connection tx, TableInfo table, List<Row> rows, List<ArrayNode> keys)
            throws SQLException;

    /** A value {@link #readRows} read as text: a text node or parsed JSON, by the format; SQL NULL as JSON null. */
    static JsonNode readValue(JsonCodec json, ValueFormat format, String text) throws SQLException {
        if (text == null) {
            return NullNode.getInstance();
        }
        if (format == ValueFormat.TEXT) {
            return TextNode.valueOf(text);
        }
        try {
            return json.parse(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("the target returned malformed JSON", e);
        }
    }

    /**
     * Binds the deadline parameters of a conditional upsert from {@code firstDeadlineParam} on, runs it and reads its
     * three counts: rows offered, rows left after deadlines, rows written.
     */
    static Upserted runConditional(PreparedStatement ps, int firstDeadlineParam, TableConfig config,
                                   List<ColumnInfo> columns) throws SQLException {
        int i = firstDeadlineParam;
        for (long micros : PostgresApplySql.deadlineMicros(config, columns)) {
            ps.setLong(i++, micros);
        }
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long all = rs.getLong(1);
            long live = rs.getLong(2);
            long written = rs.getLong(3);
            return new Upserted(written, live - written, all - live);
        }
    }
}
