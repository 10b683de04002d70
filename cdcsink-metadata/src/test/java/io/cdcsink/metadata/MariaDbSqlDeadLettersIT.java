package io.cdcsink.metadata;

import io.cdcsink.testing.TestDatabase;

/** The same tests on MariaDB, a MySQL target ({@link MySqlMetadataSql}). */
class MariaDbSqlDeadLettersIT extends SqlDeadLettersIT {
    @Override
    protected TestDatabase database(String prefix) {
        return TestDatabase.mariaDb(prefix);
    }
}
