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

/** Statements both apply modes run on a target transaction. */
final class TargetTx {
    private TargetTx() {
    }

    /** Bounds every statement of the open transaction by {@code --applyTimeout}. */
    static void begin(Connection tx, Duration applyTimeout) throws SQLException {
        tx.setAutoCommit(false);
        try (Statement s = tx.createStatement()) {
            s.execute("SET LOCAL " + statementTimeout(applyTimeout));
        }
    }

    /** {@code statement_timeout = '<ms>ms'}: the setting after {@code SET} or {@code SET LOCAL}. */
    static String statementTimeout(Duration timeout) {
        return "statement_timeout = '" + timeout.toMillis() + "ms'";
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

    static void truncate(Connection tx, TargetDialect dialect, TableName table) throws SQLException {
        try (Statement s = tx.createStatement()) {
            s.execute("TRUNCATE TABLE " + dialect.qualify(table));
        }
    }
}
