package io.cdcsink.metadata;

import java.util.Optional;

/**
 * CockroachDB differs from PostgreSQL in two ways that matter here.
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
 * </ul>
 */
final class CockroachMetadataSql extends MetadataSql {
    @Override
    Optional<String> exclusiveLock(String lockTable) {
        return Optional.empty();
    }

    @Override
    Optional<String> tryExclusiveLock() {
        return Optional.empty();
    }

    @Override
    String oldestPending(String pendingTable) {
        return oldestPendingNoWait(pendingTable);
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    @Override
    String generatedId() {
        return "id INT8 NOT NULL DEFAULT unique_rowid() PRIMARY KEY";
    }
}
