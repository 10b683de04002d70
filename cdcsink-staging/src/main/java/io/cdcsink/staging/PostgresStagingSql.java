package io.cdcsink.staging;

import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL: drains stream one cursor (the JDBC driver fetches {@code batchSize} rows at a time when auto-commit is
 * off) while the applier writes on the same connection, which PostgreSQL allows because an open portal does not block
 * other statements. The server splits the batches of a window into lines, filters them by time and keeps the newest
 * per key, sorting on disk when a window is larger than {@code work_mem}, so the process only ever holds a page.
 */
final class PostgresStagingSql extends StagingSql {
    /**
     * The batch's text is stored out of line and not compressed ({@code EXTERNAL}): pglz would cost the staging
     * insert more than the bytes it saves, and every read of a window would decompress it again.
     */
    @Override
    List<String> createStagingTable(String table) {
        return List.of(createBatchTable(table), "ALTER TABLE " + table + " ALTER COLUMN lines SET STORAGE EXTERNAL");
    }

    @Override
    boolean drainPagesByKey() {
        return false;
    }

    /**
     * Keys in byte order: only grouped, never shown in order, so a linguistic collation would cost a {@code strcoll}
     * per comparison and buy nothing.
     */
    @Override
    String drainSelect(String stagingTable) {
        return newestLines(stagingTable, "split_part(l, chr(9), 3) COLLATE \"C\"", " ORDER BY k, n DESC, g DESC");
    }

    /** Writers wait (readers do not) until the copy is committed and the legacy table dropped. */
    @Override
    Optional<String> lockLegacy(String legacyTable) {
        return Optional.of("LOCK TABLE " + legacyTable + " IN EXCLUSIVE MODE");
    }

    @Override
    String divide(String dividend, String divisor) {
        return "(" + dividend + ") / " + divisor;
    }
}
