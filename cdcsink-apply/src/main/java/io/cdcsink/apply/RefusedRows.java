package io.cdcsink.apply;

import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.BlockedException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows the target refuses when they are written: a constraint the source lacks, a value out of range, a trigger that
 * raises. Such a failure rolls back the whole transaction, and the caller (a window, a source transaction, a webhook
 * request) retries it. The table is then <em>suspect</em>: its next writes go one row at a time, each under a
 * savepoint, so the refused row is found by its key and named, until a write of the table goes through whole again.
 * Keeping the row-by-row path for the retry costs nothing while nothing is refused.
 */
final class RefusedRows {
    private final Set<TableName> suspects = ConcurrentHashMap.newKeySet();

    /**
     * True for errors that say the target refuses the rows written, not that the connection or the server failed:
     * SQLSTATE classes 23 (integrity constraint violation) and P0 (raised by PL/pgSQL, as a trigger does), and for
     * rows from a log-based source ({@link ValueFormat#TEXT}) also 21 (cardinality) and 22 (data exception). A
     * changefeed's value that does not fit its column (21, 22) is the request's fault instead, answered with 400 as
     * the check before staging answers it ({@code JsonApplier.translate}).
     */
    static boolean refusal(SQLException e, ValueFormat format) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("23") || state.startsWith("P0")
                || (format == ValueFormat.TEXT && (state.startsWith("21") || state.startsWith("22")));
    }

    /** True while writes of the table go one row at a time. */
    boolean suspect(TableName table) {
        return !suspects.isEmpty() && suspects.contains(table);
    }

    /**
     * A write of the table failed on a refused row, somewhere in the batch: the next attempt finds it. The exception
     * says so; it is not a {@link BlockedException}, which names the row, and it is the target's condition, not the
     * input's fault (a webhook answers 503, so the changefeed sends the batch again).
     */
    TargetUnavailableException refusedSomewhere(TableName table, SQLException e) {
        suspects.add(table);
        return new TargetUnavailableException("the target refused a row of table " + table + ": " + firstLine(e)
                + "; the next attempt writes its rows one at a time to find which", e);
    }

    /** A write of the table went through whole. */
    void clear(TableName table) {
        if (!suspects.isEmpty()) {
            suspects.remove(table);
        }
    }

    /**
     * True for a foreign-key violation (SQLSTATE 23503). It is never set aside as a dead letter: the referenced row
     * may still be on its way (a changefeed orders no rows across tables), so the write waits as under
     * {@code stop} and goes through once the parent arrives.
     */
    static boolean missingParent(SQLException e) {
        // MySQL and MariaDB say 23000 for every integrity violation; their codes tell a foreign key's apart.
        return "23503".equals(e.getSQLState())
                || ("23000".equals(e.getSQLState()) && (e.getErrorCode() == 1451 || e.getErrorCode() == 1452));
    }

    /** The blockage for the first refused row of a write, which stops what applies it (the table stays suspect). */
    static BlockedException blocked(TableName table, String key, SQLException e) {
        String fix = missingParent(e)
                ? "add the row it references to the target, or wait if the source is still sending it (a row"
                        + " refused by a foreign key is retried, never set aside)"
                : "change the target (constraint, trigger or column type) so that it accepts the row, or run with"
                        + " --onApplyError deadletter to set such rows aside";
        return new BlockedException(new Blockage(Blockage.Kind.REFUSED_ROW, Optional.of(table), Optional.of(key),
                "the target refused the row with key " + key + " of table " + table + ": " + firstLine(e)
                        + " (SQLSTATE " + e.getSQLState() + ")", Optional.of(fix)), e);
    }

    static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        // PgJDBC puts the server's severity first; the operator reads an ERROR line already.
        return m.startsWith("ERROR: ") ? m.substring("ERROR: ".length()) : m;
    }
}
