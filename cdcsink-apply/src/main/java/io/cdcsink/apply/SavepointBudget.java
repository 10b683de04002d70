package io.cdcsink.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.postgresql.PGConnection;

/**
 * Keeps the COPY savepoints of one target transaction well below PostgreSQL's cache of 64 subtransactions per
 * backend. A transaction with more subtransactions that wrote overflows the cache, and while it runs every other
 * session's snapshot has to look subtransactions up in {@code pg_subtrans}: a known slowdown for the target's readers
 * and its hot standbys, which a catch-up of one large source transaction (a thousand 1,000-row chunks) would cause.
 *
 * <p>Savepoints are counted per physical connection. Once a connection has spent {@value #PER_TRANSACTION}, each
 * further request asks the server for its transaction id: the same transaction as when the budget ran out gets no
 * more savepoints (its chunks are upserted), any other transaction starts a new budget. Transactions that stay under
 * the budget never pay that query.
 */
final class SavepointBudget {
    static final int PER_TRANSACTION = 32;

    /** Savepoints spent on a connection, and the transaction they ran out in (null until they do). */
    private record Spent(int count, Long exhaustedIn) {
    }

    private final Map<PGConnection, Spent> spent = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Takes one savepoint of {@code tx}'s transaction's budget.
     *
     * @return false when the budget is spent: set no savepoint
     */
    boolean take(Connection tx) throws SQLException {
        PGConnection connection = tx.unwrap(PGConnection.class);
        Spent s = spent.get(connection);
        if (s != null && s.count() >= PER_TRANSACTION) {
            Long xid = currentTransaction(tx);
            if (xid != null && (s.exhaustedIn() == null || s.exhaustedIn().equals(xid))) {
                spent.put(connection, new Spent(s.count(), xid));
                return false;
            }
            // A transaction without an id has written nothing yet, so it is not the one that ran out.
            s = null;
        }
        spent.put(connection, new Spent(s == null ? 1 : s.count() + 1, null));
        return true;
    }

    private static Long currentTransaction(Connection tx) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT txid_current_if_assigned()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long xid = rs.getLong(1);
            return rs.wasNull() ? null : xid;
        }
    }
}
