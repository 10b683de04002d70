package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.DeadLetters.DeadLetter;
import io.cdcsink.engine.DeadLetters.Filter;
import io.cdcsink.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dead-letter store: recorded in the caller's transaction, found by key, listed by filter, seen by others. */
class SqlDeadLettersIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    private final TestDatabase db = database("letters");
    private final TableName t = new TableName(db.name, db.schemaName("public"), "t");
    private final TableName u = new TableName(db.name, db.schemaName("public"), "u");

    private SqlDeadLetters store(Duration refresh) {
        return new SqlDeadLetters(db.pools, new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema)),
                refresh);
    }

    @Test
    void aLetterIsTheCallersAndIsFoundByKeyListedByFilterAndRemoved() throws Exception {
        SqlDeadLetters store = store(Duration.ofMinutes(1));
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            store.record(tx, t, "[1]", new Hlc(5, 1), Optional.of("{\"id\":1}"), ValueFormat.CHANGEFEED_JSON,
                    "refused", Optional.of("23514"));
            tx.rollback();
            assertThat(store.keysWithLetters(tx, t, List.of("[1]"))).as("rolled back with the caller").isEmpty();
            store.record(tx, t, "[1]", new Hlc(5, 1), Optional.of("{\"id\":1}"), ValueFormat.CHANGEFEED_JSON,
                    "refused", Optional.of("23514"));
            store.record(tx, t, "[2]", new Hlc(6, 0), Optional.empty(), ValueFormat.TEXT, "a delete", Optional.empty());
            store.record(tx, u, "[1]", new Hlc(7, 0), Optional.of("{}"), ValueFormat.TEXT, "other", Optional.empty());
            tx.commit();
            assertThat(store.keysWithLetters(tx, t, List.of("[1]", "[3]"))).containsExactly("[1]");
            assertThat(store.keysWithLetters(tx, u, List.of("[2]"))).isEmpty();
        }
        List<DeadLetter> all = store.list(db.name, Filter.ALL);
        assertThat(all).extracting(DeadLetter::key).containsExactly("[1]", "[2]", "[1]");
        assertThat(all.get(0)).satisfies(d -> {
            assertThat(d.table()).isEqualTo(t);
            assertThat(d.time()).isEqualTo(new Hlc(5, 1));
            assertThat(d.mutation()).contains("{\"id\":1}");
            assertThat(d.format()).isEqualTo(ValueFormat.CHANGEFEED_JSON);
            assertThat(d.sqlState()).contains("23514");
        });
        assertThat(all.get(1).mutation()).as("a delete").isEmpty();
        assertThat(store.list(db.name, new Filter(Optional.of(u), List.of(), Optional.empty()))).hasSize(1);
        assertThat(store.list(db.name, new Filter(Optional.empty(), List.of(all.get(1).id()), Optional.empty())))
                .extracting(DeadLetter::key).containsExactly("[2]");
        assertThat(store.list(db.name, new Filter(Optional.empty(), List.of(), Optional.of(Duration.ofHours(1)))))
                .as("none is an hour old").isEmpty();
        try (Connection c = db.connect()) {
            assertThat(store.remove(c, db.name, all.get(0).id())).isTrue();
            assertThat(store.remove(c, db.name, all.get(0).id())).isFalse();
        }
        assertThat(store.list(db.name, Filter.ALL)).hasSize(2);
    }

    /** Another instance's letters are seen within the refresh, so its keys hold this instance's later changes. */
    @Test
    void anotherInstancesLetterIsSeenAfterTheRefresh() throws Exception {
        SqlDeadLetters here = store(Duration.ofMillis(200));
        SqlDeadLetters there = store(Duration.ofMinutes(1));
        try (Connection c = db.connect()) {
            assertThat(here.keysWithLetters(c, t, List.of("[9]"))).isEmpty(); // reads: no table has letters
            there.record(c, t, "[9]", new Hlc(1, 0), Optional.of("{}"), ValueFormat.TEXT, "refused", Optional.empty());
            Thread.sleep(300);
            assertThat(here.keysWithLetters(c, t, List.of("[9]"))).containsExactly("[9]");
        }
    }
}
