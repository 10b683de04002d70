package io.cdcsink.staging;

import java.util.List;
import java.util.Optional;

/**
 * CockroachDB: a result set cannot stay open while other statements run on the same connection (one active portal),
 * so drains read pages bounded by the last key of the previous page ({@code k > ? ... LIMIT ?}), each splitting the
 * window's batches again. Its locks and DDL differ too; they are the metadata module's ({@code CockroachMetadataSql}).
 * No CockroachDB server runs here: this SQL is checked as text only.
 */
final class CockroachStagingSql extends StagingSql {
    /** No storage options: CockroachDB keeps a row's values together in its key-value store. */
    @Override
    List<String> createStagingTable(String table) {
        return List.of(createBatchTable(table));
    }

    @Override
    boolean drainPagesByKey() {
        return true;
    }

    /** CockroachDB's STRING compares bytes unless a collation is asked for. */
    @Override
    String drainSelect(String stagingTable) {
        return newestLines(stagingTable, "split_part(l, chr(9), 3)", " AND k > ? ORDER BY k, n DESC, g DESC LIMIT ?");
    }

    /**
     * None: its DDL runs outside transactions ({@code CockroachMetadataSql}), so the copy, the registry's update and
     * the drop are statements of their own. Repeating the copy after a failure stages those mutations twice, which
     * changes no window (a window keeps one mutation per time and key).
     */
    @Override
    Optional<String> lockLegacy(String legacyTable) {
        return Optional.empty();
    }

    /** CockroachDB's {@code /} of two integers is a decimal. */
    @Override
    String divide(String dividend, String divisor) {
        return "(" + dividend + ") // " + divisor;
    }
}
