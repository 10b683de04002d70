package io.cdcsink.core.logical;

import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.RowChange;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Statements both apply modes run on a target transaction. */
final class TargetTx {
    private static final Logger LOG = LoggerFactory.getLogger(TargetTx.class);
    private TargetTx() {
    }

    /**
     * Bounds every statement of the open transaction by {@code --applyTimeout}. MySQL has no setting that ends with
     * the transaction, so there the session's timeouts are set, and {@link #close} resets them before the connection
     * goes back to the pool.
     */
    static void begin(Connection tx, Duration applyTimeout) throws SQLException {
        tx.setAutoCommit(false);
        try (Statement s = tx.createStatement()) {
            s.execute(mysql(tx) ? setTimeout(tx, applyTimeout) : "SET LOCAL " + pgTimeout(applyTimeout));
        }
    }

    /**
     * The statement that bounds every later statement of the session by {@code timeout}: {@code statement_timeout}
     * on PostgreSQL; on MariaDB {@code max_statement_time}, on MySQL (which has none for writes) only the wait for a
     * row lock, {@code innodb_lock_wait_timeout}, in whole seconds.
     */
    static String setTimeout(Connection c, Duration timeout) throws SQLException {
        if (!mysql(c)) {
            return "SET " + pgTimeout(timeout);
        }
        String lockWait = "innodb_lock_wait_timeout = " + Math.max(1, (timeout.toMillis() + 999) / 1000);
        return mariaDb(c) ? "SET SESSION max_statement_time = " + timeout.toMillis() / 1000.0 + ", " + lockWait
                : "SET SESSION " + lockWait;
    }

    /** The statement that undoes {@link #setTimeout}. */
    static String resetTimeout(Connection c) throws SQLException {
        if (!mysql(c)) {
            return "RESET statement_timeout";
        }
        return mariaDb(c) ? "SET SESSION max_statement_time = DEFAULT, innodb_lock_wait_timeout = DEFAULT"
                : "SET SESSION innodb_lock_wait_timeout = DEFAULT";
    }

    /**
     * Returns a connection {@link #begin} prepared to the pool: on MySQL with its session's timeouts reset first. The
     * transaction must be over (committed or rolled back).
     */
    static void close(Connection c) throws SQLException {
        try {
            if (mysql(c)) {
                try (Statement s = c.createStatement()) {
                    s.execute(resetTimeout(c));
                }
            }
        } catch (SQLException e) {
            // A connection that cannot run a SET is broken: the pool finds out on its own; the caller's error counts.
            LOG.debug("could not reset the session timeouts of a target connection", e);
        } finally {
            c.close();
        }
    }

    private static String pgTimeout(Duration timeout) {
        return "statement_timeout = '" + timeout.toMillis() + "ms'";
    }

    /** MariaDB's driver names the server it talks to, MySQL or MariaDB, from the handshake: no round trip. */
    private static boolean mysql(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return "MySQL".equalsIgnoreCase(product) || "MariaDB".equalsIgnoreCase(product);
    }

    private static boolean mariaDb(Connection c) throws SQLException {
        return "MariaDB".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
    }

    /**
     * Applies buffered rows in the order of their tables' foreign keys ({@link Applier#applyChanges(Connection, Map)}),
     * adding what each table got to {@code tally}; returns how many mutations were applied. The rows are a stretch of
     * the source's order, so applying them in foreign-key order keeps the target valid after every statement.
     */
    static long apply(Connection tx, Applier applier, Map<TableName, List<RowChange>> rows,
                      Map<TableName, ApplyResult> tally) throws SQLException {
        long n = 0;
        for (List<RowChange> changes : rows.values()) {
            n += changes.size();
        }
        applier.applyChanges(tx, rows).forEach((table, result) -> tally.merge(table, result, ApplyResult::plus));
        return n;
    }

    /**
     * Empties a table inside the transaction. MySQL's {@code TRUNCATE} would commit the transaction (and the rows
     * before it without their position), so there the rows are deleted.
     */
    static void truncate(Connection tx, TargetDialect dialect, TableName table) throws SQLException {
        try (Statement s = tx.createStatement()) {
            s.execute((dialect.product() == TargetDialect.Product.MYSQL ? "DELETE FROM " : "TRUNCATE TABLE ")
                    + dialect.qualify(table));
        }
    }
}
