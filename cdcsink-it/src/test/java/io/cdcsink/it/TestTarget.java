package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The target servers the end-to-end tests replicate into, so that one test body runs against each: the shared
 * PostgreSQL server and the shared MariaDB server. On MariaDB a schema is a database, so a test's tables live in the
 * database itself ({@code /db/db}) rather than in {@code public}.
 */
enum TestTarget {
    POSTGRESQL {
        @Override
        String freshDatabase(String prefix) {
            return EmbeddedPg.shared().freshDatabase(prefix);
        }

        @Override
        Connection connect(String db) throws SQLException {
            return EmbeddedPg.shared().dataSource(db).getConnection();
        }

        @Override
        String conn(String db) {
            return "postgresql://postgres@localhost:" + EmbeddedPg.shared().port() + "/" + db + "?sslmode=disable";
        }

        @Override
        String schema(String db) {
            return "public";
        }
    },
    MARIADB {
        @Override
        String freshDatabase(String prefix) throws SQLException {
            return EmbeddedMariaDb.shared().newDatabase(prefix);
        }

        @Override
        Connection connect(String db) throws SQLException {
            return EmbeddedMariaDb.shared().connect(db);
        }

        @Override
        String conn(String db) {
            return "mysql://root@127.0.0.1:" + EmbeddedMariaDb.shared().port() + "/" + db + "?sslmode=disable";
        }

        @Override
        String schema(String db) {
            return db;
        }
    };

    /** A new, empty database. */
    abstract String freshDatabase(String prefix) throws SQLException;

    /** A connection to {@code db}, for the test's own reads and DDL. */
    abstract Connection connect(String db) throws SQLException;

    /** The connection string cdc-sink gets ({@code --conn}, {@code --targetConn}), naming {@code db}. */
    abstract String conn(String db);

    /** The schema part of the names of {@code db}'s tables: {@code public}, or on MariaDB the database itself. */
    abstract String schema(String db);

    /** Runs each statement in {@code db}. */
    void exec(String db, String... sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }
}
