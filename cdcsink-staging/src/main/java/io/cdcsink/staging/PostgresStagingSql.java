package io.cdcsink.staging;

import java.util.Optional;

/**
 * PostgreSQL: drains stream one cursor (the JDBC driver fetches {@code batchSize} rows at a time when auto-commit is
 * off) while the applier writes on the same connection, which PostgreSQL allows because an open portal does not block
 * other statements.
 */
final class PostgresStagingSql extends StagingSql {
    /**
     * Byte order: drains sort every window by key, and the primary key compares keys of rows staged at one time, so a
     * linguistic collation would cost a {@code strcoll} per comparison and buy nothing (keys are only matched, never
     * shown in order).
     */
    @Override
    String stagingKeyType() {
        return "TEXT COLLATE \"C\"";
    }

    /**
     * Text: the staged JSON is written by cdc-sink (the webhook copies each {@code after} object token by token) and
     * its values were checked against the target's types before staging, so the server has nothing to check. A
     * {@code json} column only checks the syntax again (13% of a staging COPY's server time, measured 2026-11-26) and
     * {@code jsonb} also builds a binary document that every drain turns back into text. Tables created by earlier
     * releases ({@code JSONB}, then {@code JSON}) keep their type and keep working: the statements read {@code mut}
     * as text and write JSON, which converts to any of the three on assignment.
     */
    @Override
    String stagingMutType() {
        return "TEXT";
    }

    @Override
    boolean drainPagesByKey() {
        return false;
    }

    @Override
    String drainSelect(String stagingTable) {
        return "SELECT DISTINCT ON (key) nanos, logical, key, mut::TEXT FROM " + stagingTable
                + " WHERE " + IN_WINDOW + " ORDER BY key, nanos DESC, logical DESC";
    }

    @Override
    Optional<String> copyStage(String stagingTable) {
        return Optional.of("COPY " + stagingTable + " (nanos, logical, key, mut) FROM STDIN");
    }
}
