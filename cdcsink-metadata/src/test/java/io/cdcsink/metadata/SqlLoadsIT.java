package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.TableName;
import io.cdcsink.engine.JwtKeys;
import io.cdcsink.engine.Loads.Chunk;
import io.cdcsink.engine.Loads.Load;
import io.cdcsink.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The loads and their chunks, and the JWT key tables: written in the caller's transaction, read back as written. */
class SqlLoadsIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    @Test
    void aLoadAndItsChunksAreReadBackAsPlannedAndCopied() throws SQLException {
        TestDatabase db = database("loads");
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema));
        SqlLoads loads = new SqlLoads(db.pools, area);
        loads.prepare(db.name);
        assertThat(loads.load(db.name, "loop")).isEmpty();

        TableName t = new TableName(db.name, db.schemaName("app"), "t");
        // Keys with the characters a text encoding must survive: tab, newline, backslash, quotes, non-ASCII.
        List<String> middle = List.of("a\tb", "line\nbreak \\ 'q' \"dq\" é 😀", "");
        List<Chunk> plan = List.of(new Chunk(0, t, Optional.empty(), Optional.of(middle), 0, false),
                new Chunk(1, t, Optional.of(middle), Optional.empty(), 0, false));
        Instant before = Instant.now().minusSeconds(5);
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            loads.begin(tx, db.name, "loop", "app.t", plan);
            tx.commit();
            loads.copied(tx, db.name, "loop", 1, 42);
            tx.commit();
            assertThatThrownBy(() -> loads.copied(tx, db.name, "loop", 7, 1)).hasMessageContaining("not planned");
            tx.rollback();
        }
        Load load = loads.load(db.name, "loop").orElseThrow();
        assertThat(load.tables()).isEqualTo("app.t");
        assertThat(load.started()).isBetween(before, Instant.now().plusSeconds(5));
        assertThat(load.finished()).isEmpty();
        assertThat(load.chunks()).containsExactly(plan.get(0), new Chunk(1, t, Optional.of(middle), Optional.empty(),
                42, true));

        try (Connection tx = db.connect()) {
            loads.finish(tx, db.name, "loop");
        }
        assertThat(loads.load(db.name, "loop").orElseThrow().finished()).isPresent();

        // A new plan replaces the old one.
        try (Connection tx = db.connect()) {
            loads.begin(tx, db.name, "loop", "app.u", List.of(new Chunk(0, t, Optional.empty(), Optional.empty(),
                    0, false)));
        }
        Load again = loads.load(db.name, "loop").orElseThrow();
        assertThat(again.tables()).isEqualTo("app.u");
        assertThat(again.finished()).isEmpty();
        assertThat(again.chunks()).hasSize(1);
    }

    @Test
    void jwtKeysAreReadActiveOnlyWithTheirGeneratedIdsAndRevocations() throws SQLException {
        TestDatabase db = database("jwt");
        SqlJwtKeys keys = new SqlJwtKeys(new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema)));
        assertThat(keys.load(db.name)).isEqualTo(new JwtKeys.Stored(List.of(), java.util.Set.of()));
        db.exec("INSERT INTO " + db.meta(SqlJwtKeys.KEYS) + " (public_key) VALUES ('pem one')",
                "INSERT INTO " + db.meta(SqlJwtKeys.KEYS) + " (public_key, active) VALUES ('pem two', false)",
                "INSERT INTO " + db.meta(SqlJwtKeys.REVOKED) + " (id) VALUES ('token-1')");
        String id = db.string("SELECT id FROM " + db.meta(SqlJwtKeys.KEYS) + " WHERE public_key = 'pem one'");
        assertThat(id).as("a generated UUID").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        JwtKeys.Stored stored = keys.load(db.name);
        assertThat(stored.keys()).containsExactly(new JwtKeys.StoredKey(id, "pem one"));
        assertThat(stored.revokedIds()).containsExactly("token-1");
    }

    @Test
    void aPositionsCommitTimeKeepsItsMicroseconds() throws SQLException {
        TestDatabase db = database("loads_time");
        SqlPositions positions = new SqlPositions(db.pools, new SqlMetadataSchema(db.pools,
                new MetadataConfig(db.metadataSchema)));
        positions.prepare(db.name);
        Instant commit = Instant.parse("2026-03-29T01:30:00.123456Z"); // a daylight-saving change in Europe
        try (Connection tx = db.connect()) {
            positions.save(tx, db.name, "loop", new io.cdcsink.api.LogicalPosition("p", commit));
        }
        assertThat(positions.load(db.name, "loop").orElseThrow().commitTime()).isEqualTo(commit);
    }
}
