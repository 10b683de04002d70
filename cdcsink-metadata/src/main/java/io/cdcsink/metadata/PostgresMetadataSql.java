package io.cdcsink.metadata;

import java.util.Optional;

/**
 * PostgreSQL: advisory transaction locks serialise DDL, marks and resolvers (they need no row to exist and are
 * released at commit or rollback, also when a connection dies); DDL is transactional.
 */
final class PostgresMetadataSql extends MetadataSql {
    @Override
    Optional<String> exclusiveLock() {
        return Optional.of("SELECT pg_advisory_xact_lock(?)");
    }

    @Override
    Optional<String> tryExclusiveLock() {
        return Optional.of("SELECT pg_try_advisory_xact_lock(?)");
    }

    @Override
    String oldestPending(String pendingTable) {
        return "SELECT nanos, logical FROM " + pendingTable + " WHERE target_schema = ? AND applied_at IS NULL "
                + "ORDER BY nanos, logical LIMIT 1";
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }
}
