package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class SqlPositionsIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    /** Another database on the same server as {@code db}. */
    protected String otherDatabase(TestDatabase db) throws SQLException {
        return EmbeddedPg.shared().freshDatabase("other");
    }

    /**
     * A loop name is recorded for the database its loop writes into. On PostgreSQL every database keeps its positions
     * in its own {@code _cdc_sink}, so the same name into another database is another loop; on MySQL the server has
     * one {@code _cdc_sink}, where the second database's loop would share the first's position, so it is refused.
     */
    @Test
    void aLoopNameBelongsToOneDatabaseWhereTheServerKeepsThePositions() throws SQLException {
        TestDatabase db = database("loops");
        SqlPositions positions = new SqlPositions(db.pools, new SqlMetadataSchema(db.pools,
                new MetadataConfig(db.metadataSchema)));
        String other = otherDatabase(db);
        positions.prepare(db.name);
        positions.prepare(other);
        positions.claim(db.name, "loop");
        positions.claim(db.name, "loop");
        positions.claim(other, "another");
        if (db.mysql()) {
            assertThatThrownBy(() -> positions.claim(other, "loop")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--loopName loop is taken by a loop into database " + db.name + " ")
                    .hasMessageContaining("give this loop its own --loopName");
            assertThat(db.count("SELECT count(*) FROM " + db.meta("logical_loops"))).isEqualTo(2);
        } else {
            positions.claim(other, "loop");
        }
        positions.claim(db.name, "loop");
    }

    @Test
    void aPositionIsStoredWithTheTransactionThatCarriesIt() throws SQLException {
        TestDatabase db = database("positions");
        SqlPositions positions = new SqlPositions(db.pools, new SqlMetadataSchema(db.pools,
                new MetadataConfig(db.metadataSchema)));
        positions.prepare(db.name);
        assertThat(positions.load(db.name, "loop")).isEmpty();

        Instant commit = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            positions.save(tx, db.name, "loop", new LogicalPosition("0/1", commit));
            tx.rollback();
            positions.save(tx, db.name, "loop", new LogicalPosition("0/2", commit));
            positions.save(tx, db.name, "other", new LogicalPosition("a:1", commit));
            tx.commit();
        }

        assertThat(positions.load(db.name, "loop")).contains(new LogicalPosition("0/2", commit));
        assertThat(positions.load(db.name, "other")).contains(new LogicalPosition("a:1", commit));
        assertThat(db.count("SELECT count(*) FROM " + db.meta("logical_positions"))).isEqualTo(2);
    }
}
