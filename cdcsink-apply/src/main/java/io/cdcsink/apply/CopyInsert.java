package io.cdcsink.apply;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.CopyText;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.api.ValueFormat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the new rows of one apply call (one shape of one table) with a single {@code COPY ... FROM STDIN} when none
 * of their keys is in the table yet, the common case of a catch-up or a backfill: the server spends about 4 µs per row
 * on COPY against 10–12 µs on the {@code jsonb_populate_recordset} upsert (PostgreSQL 17, four scalar columns). The
 * rows are streamed ({@link CopyText#input}), so their number is not limited as a statement's is.
 *
 * <p>COPY cannot update, so it runs in a savepoint: an existing key fails it with a unique violation (a row it cannot
 * write, see below, cancels it), the savepoint is rolled back and the caller upserts the rows. After a failure the
 * table's next calls skip COPY, 1, 2, 4 ... up to {@value #MAX_SKIPPED} of them, so a stream of updates wastes little;
 * a success resets that.
 *
 * <p>Fewer than {@value #MIN_ROWS} rows are upserted, and a transaction sets at most
 * {@value SavepointBudget#PER_TRANSACTION} COPY savepoints ({@link SavepointBudget}).
 *
 * <p>Only rows that reach the target unchanged are copied: the row's received JSON text, no expressions, no
 * compare-and-set or deadlines, and a text {@link FlatJson#values} reads (an object of strings, plain numbers,
 * booleans and nulls). For those COPY hands each column's input function the same text the upsert's recordset does
 * (a string's contents, a number's or a literal's spelling), with one exception: under
 * {@link ValueFormat#CHANGEFEED_JSON} a string for a json or jsonb column is a JSON string, so such columns are
 * upserted. Under {@link ValueFormat#TEXT} every value is its column's input text whatever the type. Both paths store
 * the same values; anything else is upserted.
 * COPY fires triggers and checks constraints as INSERT does, and sets identity columns as
 * {@code OVERRIDING SYSTEM VALUE} does; unlike INSERT it does not run rules.
 */
final class CopyInsert {
    static final int MAX_SKIPPED = 1024;
    /**
     * Fewer rows are upserted: COPY's savepoint, COPY and release cost three round trips against the upsert's one,
     * which only the server time saved on a few dozen rows pays for.
     */
    static final int MIN_ROWS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(CopyInsert.class);

    private final TargetDialect dialect = TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    /** Per table: how many chunks still skip COPY, and how many the next failure makes skip. */
    private final Map<TableName, Backoff> backoff = new ConcurrentHashMap<>();
    private final SavepointBudget savepoints = new SavepointBudget();
    private final ValueFormat format;

    CopyInsert(ValueFormat format) {
        this.format = format;
    }

    /**
     * Copies the rows if they qualify and none of their keys exists.
     *
     * @return true when the rows were written; false when the caller must upsert them (the transaction is as before)
     */
    boolean write(Connection tx, TableInfo table, TableConfig config, List<ColumnInfo> columns, List<Row> rows)
            throws SQLException {
        if (rows.size() < MIN_ROWS || !copyable(format, config, columns) || tx.getAutoCommit()
                || !tx.isWrapperFor(PGConnection.class) || skip(table.name())) {
            return false;
        }
        if (!savepoints.take(tx)) {
            return false;
        }
        String sql = "COPY " + dialect.qualify(table.name()) + " ("
                + columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(","))
                + ") FROM STDIN";
        Optional<SQLException> failed = CopyText.inSavepoint(tx, () -> copyIn(tx, sql, columns, rows));
        if (failed.isPresent()) {
            LOG.debug("COPY into {} failed ({}), upserting instead", table.name(), failed.get().getMessage());
        }
        backoff.compute(table.name(), (t, b) -> failed.isEmpty() ? null : Backoff.after(b));
        return failed.isEmpty();
    }

    static boolean copyable(ValueFormat format, TableConfig config, List<ColumnInfo> columns) {
        if (config.conditional()) {
            return false;
        }
        for (ColumnInfo c : columns) {
            if (config.expr(c.name()).isPresent() || (format == ValueFormat.CHANGEFEED_JSON && c.json())) {
                return false;
            }
        }
        return true;
    }

    private boolean skip(TableName table) {
        boolean[] skipped = {false};
        backoff.computeIfPresent(table, (t, b) -> {
            skipped[0] = b.remaining() > 0;
            return skipped[0] ? new Backoff(b.remaining() - 1, b.penalty()) : b;
        });
        return skipped[0];
    }

    /**
     * Rows as lines of the text format, columns in {@code columns} order. A row is refused when it has no received
     * text, lacks a column, or has a value COPY would read differently from populate.
     */
    static final class RowLines implements CopyText.Lines<Row> {
        private final RowValues row;

        RowLines(List<ColumnInfo> columns) {
            row = new RowValues(columns);
        }

        @Override
        public boolean append(StringBuilder text, Row received) {
            if (!row.read(received)) {
                return false;
            }
            int start = text.length();
            for (int i = 0; i < row.values.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                if (row.nulls[i]) {
                    text.append(CopyText.NULL);
                } else if (row.values[i] == null) {
                    text.setLength(start); // the row lacks the column
                    return false;
                } else {
                    CopyText.escape(text, row.values[i]);
                }
            }
            text.append('\n');
            return true;
        }
    }

    /** The COPY; a row {@link RowLines} refuses fails it with {@link CopyText.NotCopyable}. */
    private static void copyIn(Connection tx, String sql, List<ColumnInfo> columns, List<Row> rows)
            throws SQLException {
        try {
            tx.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, CopyText.input(rows, new RowLines(columns)));
        } catch (IOException e) {
            if (e.getCause() instanceof CopyText.NotCopyable refused) {
                throw refused;
            }
            throw new SQLException("COPY's input failed", e);
        }
    }

    /** Chunks left to skip, and the number the next failure makes skip. */
    private record Backoff(int remaining, int penalty) {
        static Backoff after(Backoff previous) {
            int penalty = previous == null ? 1 : Math.min(MAX_SKIPPED, previous.penalty() * 2);
            return new Backoff(penalty, penalty);
        }
    }
}
