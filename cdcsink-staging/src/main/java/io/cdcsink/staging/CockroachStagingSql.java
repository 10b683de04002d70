package io.cdcsink.staging;

import java.util.Optional;

/**
 * CockroachDB: a result set cannot stay open while other statements run on the same connection (one active portal),
 * so drains read pages bounded by the last key of the previous page ({@code key > ? ... LIMIT ?}). Its locks and DDL
 * differ too; they are the metadata module's ({@code CockroachMetadataSql}).
 */
final class CockroachStagingSql extends StagingSql {
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
