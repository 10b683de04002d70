package io.cdcsink.objstore;

import io.cdcsink.testing.TestDatabase;

/** The same tests on a MySQL target (MariaDB). */
class MariaDbProgressIT extends ProgressIT {
    @Override
    protected TestDatabase database(String prefix) {
        return TestDatabase.mariaDb(prefix);
    }
}
