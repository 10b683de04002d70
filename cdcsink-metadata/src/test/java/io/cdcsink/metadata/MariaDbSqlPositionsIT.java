package io.cdcsink.metadata;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.TestDatabase;
import java.sql.SQLException;

/** The same tests on MariaDB, a MySQL target ({@link MySqlMetadataSql}). */
class MariaDbSqlPositionsIT extends SqlPositionsIT {
    @Override
    protected TestDatabase database(String prefix) {
        return TestDatabase.mariaDb(prefix);
    }

    @Override
    protected String otherDatabase(TestDatabase db) throws SQLException {
        return EmbeddedMariaDb.shared().newDatabase("other");
    }
}
