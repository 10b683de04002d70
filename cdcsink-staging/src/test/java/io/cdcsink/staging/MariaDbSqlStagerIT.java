package io.cdcsink.staging;

import io.cdcsink.testing.TestDatabase;

/** The same tests on MariaDB, a MySQL target ({@link MySqlStagingSql}); the conversion of legacy tables is skipped. */
class MariaDbSqlStagerIT extends SqlStagerIT {
    @Override
    protected TestDatabase database(String prefix) {
        return TestDatabase.mariaDb(prefix);
    }
}
