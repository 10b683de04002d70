package io.cdcsink.staging;

import java.util.Optional;

/**
 * CockroachDB differs from PostgreSQL in three ways that matter here.
 *
 * <ul>
 *   <li>No advisory locks. Marks need none: CockroachDB runs transactions SERIALIZABLE, so two concurrent marks of
 *       one schema conflict and one is retried by the caller. The resolver locks the oldest pending row with
 *       {@code SELECT ... FOR UPDATE NOWAIT} instead; a competitor gets SQLSTATE 55P03 and backs off.
 *       <b>Limitation:</b> these row locks are not replicated, so a range lease transfer can drop the lock and let
 *       a second instance apply the same window concurrently; the target rows stay right (both write the same
 *       values and one commit fails with a serialisation error), but the work is done twice.</li>
 *   <li>Schema changes inside explicit transactions run asynchronously at commit and may fail there, so DDL runs
 *       one statement at a time; {@code IF NOT EXISTS} makes concurrent creators harmless.</li>
 *   <li>A result set cannot stay open while other statements run on the same connection (one active portal), so
 *       drains read pages bounded by the last key of the previous page ({@code key > ? ... LIMIT ?}).</li>
 * </ul>
 */
final class CockroachStagingSql extends StagingSql {
    @Override
    Optional<String> exclusiveLock() {
        return Optional.empty();
    }

    @Override
    Optional<String> tryExclusiveLock() {
        return Optional.empty();
    }

    @Override
    String oldestPending(String pendingTable) {
        return "SELECT nanos, logical FROM " + pendingTable + " WHERE target_schema = ? AND applied_at IS NULL "
                + "ORDER BY nanos, logical LIMIT 1 FOR UPDATE NOWAIT";
    }

    /** CockroachDB's STRING compares bytes unless a collation is asked for. */
    @Override
    String stagingKeyType() {
        return "TEXT";
    }

    /** CockroachDB's JSON is JSONB (an alias), as in the original tool's staging tables. */
    @Override
    String stagingMutType() {
        return "JSONB";
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    @Override
    boolean drainPagesByKey() {
        return true;
    }

    @Override
    String drainSelect(String stagingTable) {
        return "SELECT DISTINCT ON (key) nanos, logical, key, mut::TEXT FROM " + stagingTable
                + " WHERE " + IN_WINDOW + " AND key > ?"
                + " ORDER BY key, nanos DESC, logical DESC LIMIT ?";
    }

    /**
     * None. Before v22.2 CockroachDB split a COPY into 100-row batches that committed on their own outside an explicit
     * transaction, and a COPY after a rollback to a savepoint (the conflict path of {@link StageCopy}) hit an
     * internal error until late 2025 (cockroachdb/cockroach#156959). With no server here to test it against, batches
     * are staged with the INSERT statement.
     */
    @Override
    Optional<String> copyStage(String stagingTable) {
        return Optional.empty();
    }
}
