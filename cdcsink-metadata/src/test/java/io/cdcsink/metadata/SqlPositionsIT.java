package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.LogicalPosition;
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
