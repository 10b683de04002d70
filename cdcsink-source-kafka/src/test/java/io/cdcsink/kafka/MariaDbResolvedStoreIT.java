package io.cdcsink.kafka;

import io.cdcsink.testing.TestDatabase;

/** The same tests on a MySQL target (MariaDB). */
class MariaDbResolvedStoreIT extends ResolvedStoreIT {
    @Override
    protected TestDatabase database(String prefix) {
        return TestDatabase.mariaDb(prefix);
    }
}
