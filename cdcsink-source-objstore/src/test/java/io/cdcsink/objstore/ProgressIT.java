package io.cdcsink.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.testing.TestDatabase;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How far an objstore source got, one row per source URL in the target. */
class ProgressIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    /** A source is read into one schema of a target: a second command into another schema would share its row. */
    @Test
    void aSourceIsReadIntoOneSchemaOfATarget() throws SQLException {
        TestDatabase db = database("objstore_claim");
        String url = "s3://bucket/" + db.name + "/claimed";
        Progress progress = new Progress(db.pools.forDatabase(db.name), url);
        progress.createIfMissing();
        progress.claim(db.name + ".public");
        progress.claim(db.name + ".public");
        assertThatThrownBy(() -> progress.claim(db.name + ".other")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--source " + url + " is already read into " + db.name + ".public on this"
                        + " target");
        new Progress(db.pools.forDatabase(db.name), url + "/another").claim(db.name + ".other");
        progress.claim(db.name + ".public");
    }

    @Test
    void aSourcesPositionIsSavedReplacedAndKeptApartFromOtherSources() throws SQLException {
        TestDatabase db = database("objstore_progress");
        // The table is in _cdc_sink, shared by every test on a MySQL server: sources unique to this test.
        String url = "s3://bucket/" + db.name + "/Prefix";
        Progress progress = new Progress(db.pools.forDatabase(db.name), url);
        Progress lower = new Progress(db.pools.forDatabase(db.name), url.toLowerCase());
        progress.createIfMissing();
        progress.createIfMissing();
        assertThat(progress.load()).isEqualTo(new Progress.Position(Optional.empty(), Optional.empty()));

        progress.save("2026/a.ndjson", Optional.empty());
        assertThat(progress.load()).isEqualTo(new Progress.Position(Optional.of("2026/a.ndjson"), Optional.empty()));
        String longName = "2026/" + "é".repeat(2000) + ".RESOLVED";
        progress.save("2026/b.ndjson", Optional.of(longName));
        assertThat(progress.load()).isEqualTo(new Progress.Position(Optional.of("2026/b.ndjson"),
                Optional.of(longName)));
        assertThat(lower.load()).as("URLs are case-sensitive").isEqualTo(new Progress.Position(Optional.empty(),
                Optional.empty()));
    }
}
