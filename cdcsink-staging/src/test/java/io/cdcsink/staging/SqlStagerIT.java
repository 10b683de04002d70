package io.cdcsink.staging;

import static io.cdcsink.testing.TestDatabase.counter;
import static io.cdcsink.testing.TestDatabase.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.Stager;
import io.cdcsink.api.TableName;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.SqlMetadataSchema;
import io.cdcsink.metadata.SqlResolvedTimestamps;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStagerIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private TestDatabase db;
    private PrometheusRegistry registry;
    private SqlStager stager;
    private TableName table;

    @BeforeEach
    void setUp() throws SQLException {
        db = database("stager");
        registry = new PrometheusRegistry();
        stager = stager(registry);
        table = db.targetTable("app", "t1");
    }

    /** A stager over the real metadata schema, as another process or a restarted one would have. */
    private SqlStager stager(PrometheusRegistry metrics) {
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema));
        return new SqlStager(db.pools.dialect(), area, new SqlResolvedTimestamps(db.pools, area), metrics);
    }

    private List<Mutation> drain(TableName t, Hlc upTo, int batchSize, List<Integer> batchSizes)
            throws SQLException {
        List<Mutation> out = new ArrayList<>();
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            long n = stager.drain(tx, t, upTo, batchSize, batch -> {
                batchSizes.add(batch.size());
                out.addAll(batch);
            });
            tx.commit();
            assertThat(n).isEqualTo(out.size());
        }
        return out;
    }

    /** What a read-ahead sees: a peek in a transaction of its own, one snapshot. */
    private Optional<Stager.Peeked> peek(Optional<Hlc> after, Hlc upTo, int limit) throws SQLException {
        try (Connection conn = db.connect()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return stager.peek(conn, table, after, upTo, limit);
            } finally {
                conn.rollback();
            }
        }
    }

    private void discard(Stager.Peeked peeked) throws SQLException {
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            try {
                stager.discard(tx, table, peeked);
                tx.commit();
            } finally {
                if (!tx.getAutoCommit()) {
                    tx.rollback();
                }
            }
        }
    }

    private void markApplied(long nanos) throws SQLException {
        setApplied(nanos, 0);
    }

    /** Records a last applied resolved timestamp of the schema "app" as the resolver would. */
    private void setApplied(long nanos, int logical) throws SQLException {
        String values = "INSERT INTO " + db.meta("timestamps") + " (target_schema, nanos, logical, applied_at) VALUES ('"
                + table.schema() + "', " + nanos + ", " + logical + ", " + (db.mysql() ? "UTC_TIMESTAMP(6))" : "now())");
        db.exec(values + (db.mysql() ? " ON DUPLICATE KEY UPDATE nanos = VALUES(nanos), logical = VALUES(logical)"
                : " ON CONFLICT (target_schema) DO UPDATE SET nanos = excluded.nanos, logical = excluded.logical"));
    }

    /** The target table t1, qualified. */
    private String target() {
        return db.pools.dialect().qualify(table);
    }

    private String lines() {
        return db.quote("lines");
    }

    @Test
    void aPeekReadsWhatADrainWouldHandOverAndDiscardRemovesJustThat() throws Exception {
        db.stage(stager, table, List.of(upsert(100, 0, 1, "old")));
        db.stage(stager, table, List.of(upsert(150, 0, 1, "a"), upsert(150, 0, 2, "b"), upsert(160, 0, 2, "b2"),
                Mutation.delete(new Hlc(170, 0), "[3]")));
        db.stage(stager, table, List.of(upsert(250, 0, 1, "later")));
        markApplied(100);

        Stager.Peeked peeked = peek(Optional.of(new Hlc(100, 0)), new Hlc(200, 0), 10).orElseThrow();
        assertThat(peeked.stagedRows()).as("every staged mutation of the window, not one per key").isEqualTo(4);
        assertThat(peeked.batches()).hasSize(1);
        assertThat(peeked.mutations()).extracting(m -> m.key() + "@" + m.time().nanos())
                .containsExactly("[1]@150", "[2]@160", "[3]@170");
        assertThat(peeked.mutations().get(2).isDelete()).isTrue();
        assertThat(db.stagedRows(table)).as("a peek removes nothing").isEqualTo(6);

        discard(peeked);
        // This process sweeps the stray at 100 on its first removal, as a drain does; the row at 250 stays.
        assertThat(db.stagedRows(table)).isOne();
        assertThat(drain(table, new Hlc(300, 0), 10, new ArrayList<>())).extracting(Mutation::key)
                .containsExactly("[1]");
    }

    /** Stages as the pipeline does: a committed transaction, then the stager told so. */
    private void stageCommitted(SqlStager into, List<Mutation> mutations) throws SQLException {
        Stager.Staged staged;
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            staged = into.stage(tx, table, mutations);
            tx.commit();
        }
        into.committed(staged);
    }

    private Optional<Stager.Peeked> peekWith(SqlStager with, Optional<Hlc> after, Hlc upTo) throws SQLException {
        try (Connection conn = db.connect()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return with.peek(conn, table, after, upTo, 1_000_000);
            } finally {
                conn.rollback();
            }
        }
    }

    @Test
    void aWindowThisProcessStagedIsReadAheadFromMemoryAsTheTableHoldsIt() throws Exception {
        stageCommitted(stager, List.of(upsert(100, 0, 1, "old"), upsert(150, 0, 1, "a"), upsert(150, 0, 2, "b")));
        stageCommitted(stager, List.of(upsert(160, 0, 2, "b2"), Mutation.delete(new Hlc(170, 0), "[3]"),
                upsert(150, 0, 2, "b"), upsert(250, 0, 1, "later")));
        markApplied(100);

        Stager.Peeked kept = peek(Optional.of(new Hlc(100, 0)), new Hlc(200, 0), 10).orElseThrow();
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(1);
        SqlStager fresh = stager(new PrometheusRegistry());
        Stager.Peeked read = peekWith(fresh, Optional.of(new Hlc(100, 0)), new Hlc(200, 0)).orElseThrow();
        assertThat(kept.stagedRows()).as("the mutations of the window, (150, [2]) twice").isEqualTo(5);
        assertThat(read.stagedRows()).as("every mutation of the batches overlapping it").isEqualTo(7);
        assertThat(kept.batches()).isEqualTo(read.batches()).hasSize(2);
        assertThat(kept.mutations()).containsExactlyInAnyOrderElementsOf(read.mutations());
        assertThat(kept.mutations()).extracting(m -> m.key() + "@" + m.time().nanos())
                .containsExactlyInAnyOrder("[1]@150", "[2]@160", "[3]@170");

        discard(kept);
        assertThat(db.stagedBatches(table)).as("the batch straddling 200 stays, whole").isOne();
        assertThat(db.stagedRows(table)).isEqualTo(4);
        markApplied(200);
        Stager.Peeked next = peek(Optional.of(new Hlc(200, 0)), new Hlc(300, 0), 10).orElseThrow();
        assertThat(next.mutations()).containsExactly(upsert(250, 0, 1, "later"));
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(2);
    }

    @Test
    void aDrainTakesAWindowThisProcessStagedFromMemoryAndRemovesItsRows() throws Exception {
        stageCommitted(stager, List.of(upsert(150, 0, 1, "a"), upsert(160, 0, 1, "a2"), upsert(150, 0, 2, "b"),
                Mutation.delete(new Hlc(170, 0), "[3]"), upsert(250, 0, 1, "later")));
        markApplied(100);
        List<Integer> batches = new ArrayList<>();
        List<Mutation> drained = drain(table, new Hlc(200, 0), 2, batches);
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(1);
        assertThat(drained).containsExactlyInAnyOrder(upsert(160, 0, 1, "a2"), upsert(150, 0, 2, "b"),
                Mutation.delete(new Hlc(170, 0), "[3]"));
        assertThat(batches).containsExactly(2, 1);
        assertThat(db.stagedBatches(table)).as("the batch straddling 200 stays").isOne();
        markApplied(200);
        assertThat(drain(table, new Hlc(300, 0), 10, new ArrayList<>())).containsExactly(upsert(250, 0, 1, "later"));
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(2);
        assertThat(db.stagedRows(table)).isZero();
    }

    @Test
    void aDrainOfAWindowWithAnotherInstancesRowsReadsTheTable() throws Exception {
        SqlStager other = stager(new PrometheusRegistry());
        stageCommitted(stager, List.of(upsert(150, 0, 1, "mine")));
        stageCommitted(other, List.of(upsert(160, 0, 2, "theirs")));
        markApplied(100);
        assertThat(drain(table, new Hlc(200, 0), 10, new ArrayList<>())).extracting(Mutation::key)
                .containsExactly("[1]", "[2]");
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isZero();
        assertThat(db.stagedRows(table)).isZero();
    }

    /** Another instance staged part of the window, or a row was staged before this process started. */
    @Test
    void aWindowWithRowsThisProcessDidNotStageIsReadFromTheTable() throws Exception {
        SqlStager other = stager(new PrometheusRegistry());
        stageCommitted(stager, List.of(upsert(150, 0, 1, "mine"), upsert(160, 0, 2, "mine too")));
        stageCommitted(other, List.of(upsert(170, 0, 3, "theirs")));
        markApplied(100);

        Stager.Peeked peeked = peek(Optional.of(new Hlc(100, 0)), new Hlc(200, 0), 10).orElseThrow();
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isZero();
        assertThat(peeked.stagedRows()).isEqualTo(3);
        assertThat(peeked.mutations()).extracting(Mutation::key).containsExactly("[1]", "[2]", "[3]");
    }

    @Test
    void windowsOfMoreStagedRowsThanTheLimitAreNotReadAhead() throws Exception {
        db.stage(stager, table, List.of(upsert(150, 0, 1, "a"), upsert(160, 0, 1, "b"), upsert(170, 0, 2, "c")));
        assertThat(peek(Optional.empty(), new Hlc(200, 0), 2)).as("3 rows, though only 2 keys").isEmpty();
        assertThat(peek(Optional.empty(), new Hlc(200, 0), 3)).hasValueSatisfying(p ->
                assertThat(p.mutations()).hasSize(2));
        assertThat(peek(Optional.empty(), new Hlc(100, 0), 0)).as("an empty window").hasValueSatisfying(p ->
                assertThat(p.mutations()).isEmpty());
    }

    @Test
    void aWindowThatGainedARowAfterItWasReadIsNotDiscarded() throws Exception {
        db.stage(stager, table, List.of(upsert(150, 0, 1, "a")));
        Stager.Peeked peeked = peek(Optional.empty(), new Hlc(200, 0), 10).orElseThrow();
        db.stage(stager, table, List.of(upsert(180, 0, 2, "arrived late")));

        assertThatThrownBy(() -> discard(peeked)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overlapped 1 staged batches when it was read ahead and now overlaps 2");
        assertThat(db.stagedRows(table)).as("rolled back").isEqualTo(2);
    }

    @Test
    void aWindowReadAfterAnotherLastAppliedWindowIsNotDiscarded() throws Exception {
        db.stage(stager, table, List.of(upsert(150, 0, 1, "a")));
        Stager.Peeked peeked = peek(Optional.of(new Hlc(100, 0)), new Hlc(200, 0), 10).orElseThrow();
        markApplied(120);

        assertThatThrownBy(() -> discard(peeked)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the one");
        assertThat(db.stagedRows(table)).isOne();
    }

    @Test
    void aDrainHandsOverOnlyRowsAfterTheLastAppliedWindowAndAFreshProcessSweepsOlderOnes() throws SQLException {
        db.stage(stager, table, List.of(upsert(100, 0, 1, "a")));
        db.stage(stager, table, List.of(upsert(200, 0, 2, "b")));
        assertThat(drain(table, new Hlc(150, 0), 10, new ArrayList<>())).extracting(Mutation::key)
                .containsExactly("[1]");
        setApplied(150, 0);
        // A redelivery that raced the window covering it: older than what the target holds.
        String staging = db.stagingTable(table);
        try (Connection c = db.connect(); var ps = c.prepareStatement("INSERT INTO " + db.meta(staging)
                + " (batch, min_nanos, min_logical, max_nanos, max_logical, mutations, " + lines()
                + ") VALUES (7, 120, 0, 120, 0, 1, ?)")) {
            ps.setString(1, "120\t0\t[1]\t{\"k\":1,\"v\":\"stale\"}");
            ps.executeUpdate();
        }

        assertThat(drain(table, new Hlc(250, 0), 10, new ArrayList<>())).extracting(Mutation::key)
                .containsExactly("[2]");
        assertThat(db.stagedRows(table)).as("the stray stays until a process drains the table first").isEqualTo(1);

        SqlStager restarted = stager(new PrometheusRegistry());
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            List<Mutation> handed = new ArrayList<>();
            restarted.drain(tx, table, new Hlc(300, 0), 10, handed::addAll);
            tx.commit();
            assertThat(handed).isEmpty();
        }
        assertThat(db.stagedRows(table)).isZero();
    }

    @Test
    void restagingIsIdempotentAndDrainHandsOverEverythingThenEmptiesTheTable() throws SQLException {
        List<Mutation> muts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            muts.add(upsert(1000 + i, i, i, "v" + i));
        }
        db.stage(stager, table, muts);
        assertThat(db.stagedRows(table)).isEqualTo(300);
        db.stage(stager, table, muts);
        assertThat(db.stagedBatches(table)).as("a redelivered batch is another batch").isEqualTo(2);

        List<Integer> sizes = new ArrayList<>();
        List<Mutation> drained = drain(table, new Hlc(5000, 0), 64, sizes);

        // Staging tables keep the staged text, so the mutations come back as they were staged.
        assertThat(drained).hasSize(300).extracting(m -> m.key() + "@" + m.time() + "=" + m.data().orElseThrow())
                .containsExactlyInAnyOrderElementsOf(
                        muts.stream().map(m -> m.key() + "@" + m.time() + "=" + m.data().orElseThrow()).toList());
        assertThat(sizes).allMatch(s -> s <= 64).hasSize(5);
        assertThat(db.stagedRows(table)).isZero();
        assertThat(counter(registry, "stage_mutations_total", db.name, table.schema(), "t1")).isEqualTo(600);
        assertThat(counter(registry, "stage_drained_mutations_total", db.name, table.schema(), "t1")).isEqualTo(300);
    }

    @Test
    void keysAndMutationsWithTheCopyFormatsSpecialCharactersRoundTrip() throws Exception {
        // Tabs, newlines, carriage returns and backslashes end or escape a column in COPY's text format.
        String key = "[\"tab\\there\",\t\"back\\\\slash\", \"caf\u00e9 \ud83d\ude00\"]";
        String data = "{\n\t\"id\": 1,\r\n\t\"v\": \"line\\nbreak\\ttab \\\\ back \\\"q\\\" \ud83d\ude00\"}";
        db.stage(stager, table, List.of(new Mutation(new Hlc(10, 0), key, Optional.of(data))));

        List<Mutation> drained = drain(table, new Hlc(10, 0), 10, new ArrayList<>());
        assertThat(drained).singleElement().satisfies(m -> {
            assertThat(m.key()).isEqualTo(key);
            assertThat(m.data()).contains(data);
            assertThat(MAPPER.readTree(m.data().orElseThrow())).isEqualTo(MAPPER.readTree(data));
        });
        assertThat(MAPPER.readTree(data).get("v").asText()).isEqualTo("line\nbreak\ttab \\ back \"q\" \ud83d\ude00");
    }

    @Test
    void aBatchWithMutationsAlreadyStagedIsStagedInsideTheCallersTransactionAndHandedOverOnce() throws Exception {
        db.stage(stager, table, List.of(upsert(10, 0, 1, "old"), upsert(10, 0, 2, "kept")));
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            try (var s = tx.createStatement()) {
                s.execute("INSERT INTO " + target() + " VALUES (99, 'written before the batch')");
            }
            // (10, [1]) is staged already, with the same change: a redelivery within a batch of new mutations.
            stager.stage(tx, table, List.of(upsert(10, 0, 1, "old"), upsert(20, 0, 3, "added")));
            tx.commit();
        }
        assertThat(db.count("SELECT count(*) FROM " + target() + " WHERE id = 99")).as("the caller's earlier write").isOne();
        assertThat(db.stagedRows(table)).isEqualTo(4);
        assertThat(drain(table, new Hlc(30, 0), 10, new ArrayList<>()))
                .extracting(m -> m.key() + "=" + MAPPER.readTree(m.data().orElseThrow()).get("v").asText())
                .containsExactlyInAnyOrder("[1]=old", "[2]=kept", "[3]=added");
    }

    @Test
    void stagingTablesKeepTheStagedTextUncompressedAndGroupKeysByByte() throws SQLException {
        String data = "{\"v\": \"x\",   \"id\": 1, \"id\": 2}";
        db.stage(stager, table, List.of(new Mutation(new Hlc(10, 0), "[\"b\"]", Optional.of(data)),
                new Mutation(new Hlc(10, 0), "[\"B\"]", Optional.of("{}"))));
        String staging = db.stagingTable(table);
        assertThat(staging).isEqualTo("stage2_" + table.schema() + "_t1");
        if (db.mysql()) {
            assertThat(db.string("SELECT data_type FROM information_schema.columns WHERE table_schema = '"
                    + db.metadataSchema + "' AND table_name = '" + staging + "' AND column_name = 'lines'"))
                    .as("a batch may pass 16 MB").isEqualTo("longtext");
        } else {
            assertThat(db.string("SELECT format_type(atttypid, atttypmod) || ' ' || attstorage::TEXT FROM pg_attribute"
                    + " WHERE attrelid = '_cdc_sink.\"" + staging + "\"'::regclass AND attname = 'lines'"))
                    .as("text, stored out of line without compression").isEqualTo("text e");
        }
        assertThat(db.string("SELECT " + lines() + " FROM " + db.meta(staging)))
                .isEqualTo("10\t0\t[\"b\"]\t" + data + "\n10\t0\t[\"B\"]\t{}");
        assertThat(drain(table, new Hlc(10, 0), 10, new ArrayList<>())).extracting(m -> m.data().orElseThrow())
                .as("the text comes back as staged: spaces, key order, repeated keys; keys in byte order")
                .containsExactly("{}", data);
    }

    @Test
    void valuesThatEndOrEscapeAFieldOrALineComeBackExactlyFromTheTableAndTheServerSplitsThemRight()
            throws Exception {
        List<String> edges = List.of("\t", "\n", "\r", "\\", "\\t", "\\\\n", "\\N", "\\.", "a\tb\nc\rd\\e",
                "caf\u00e9 \u65e5\u672c", "\ud83d\ude00", "x\ud834\udd1ey\ud83d\ude00", "\u2028", "\"q\\\"\"");
        List<Mutation> mutations = new ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
            String e = edges.get(i);
            mutations.add(Mutation.upsert(new Hlc(100 + i, i), "[\"" + e + "\"]", "{\"id\":" + i + ",\"v\":\"" + e
                    + "\",\"t\":\"\t\n\"}"));
            // The same key at an earlier time: the server must group by the key, whatever it holds.
            mutations.add(Mutation.upsert(new Hlc(50, i), "[\"" + e + "\"]", "{\"old\":\"" + e + "\"}"));
        }
        db.stage(stager, table, mutations);

        List<Mutation> drained = drain(table, new Hlc(200, 0), 5, new ArrayList<>());
        assertThat(drained).containsExactlyInAnyOrderElementsOf(mutations.stream()
                .filter(m -> m.time().nanos() >= 100).toList());
    }

    @Test
    void aBatchStraddlingAWindowStaysAndItsLaterMutationsComeWithTheNextWindowFromMemoryOrTheTable()
            throws Exception {
        List<Mutation> straddling = List.of(upsert(100, 0, 1, "a"), upsert(180, 0, 2, "b"), upsert(250, 0, 1, "c"),
                upsert(300, 0, 3, "d"));
        List<Mutation> inside = List.of(upsert(150, 0, 2, "e"), upsert(190, 0, 3, "f"));
        stageCommitted(stager, straddling);
        stageCommitted(stager, inside);
        SqlStager fresh = stager(new PrometheusRegistry());
        markApplied(50);

        Stager.Peeked fromTable = peekWith(fresh, Optional.of(new Hlc(50, 0)), new Hlc(200, 0)).orElseThrow();
        List<Mutation> first = drain(table, new Hlc(200, 0), 10, new ArrayList<>());
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(1);
        assertThat(first).containsExactlyInAnyOrder(upsert(100, 0, 1, "a"), upsert(180, 0, 2, "b"),
                upsert(190, 0, 3, "f"));
        assertThat(fromTable.mutations()).containsExactlyInAnyOrderElementsOf(first);
        assertThat(db.stagedBatches(table)).as("the straddling batch").isOne();
        markApplied(200);

        Stager.Peeked nextFromTable = peekWith(fresh, Optional.of(new Hlc(200, 0)), new Hlc(400, 0)).orElseThrow();
        List<Mutation> second = drain(table, new Hlc(400, 0), 10, new ArrayList<>());
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(2);
        assertThat(second).as("only what is after 200").containsExactlyInAnyOrder(upsert(250, 0, 1, "c"),
                upsert(300, 0, 3, "d"));
        assertThat(nextFromTable.mutations()).containsExactlyInAnyOrderElementsOf(second);
        assertThat(db.stagedBatches(table)).isZero();
    }

    @Test
    void aRedeliveredBatchChangesNoWindowAndIsTakenFromMemoryOnlyWhenThisProcessStagedBothCopies()
            throws Exception {
        List<Mutation> request = List.of(upsert(150, 0, 1, "a"), upsert(160, 0, 2, "b"), upsert(170, 0, 1, "c"));
        stageCommitted(stager, request);
        stageCommitted(stager, request);
        markApplied(100);
        Stager.Peeked kept = peek(Optional.of(new Hlc(100, 0)), new Hlc(200, 0), 100).orElseThrow();
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(1);
        assertThat(kept.batches()).hasSize(2);
        assertThat(kept.mutations()).containsExactlyInAnyOrder(upsert(170, 0, 1, "c"), upsert(160, 0, 2, "b"));
        discard(kept);
        markApplied(200);
        assertThat(db.stagedBatches(table)).isZero();

        // Redelivered to another instance: this process does not know that copy, so the window comes from the table.
        SqlStager other = stager(new PrometheusRegistry());
        List<Mutation> next = List.of(upsert(250, 0, 1, "d"), upsert(260, 0, 3, "e"));
        stageCommitted(stager, next);
        stageCommitted(other, next);
        assertThat(drain(table, new Hlc(300, 0), 10, new ArrayList<>())).containsExactlyInAnyOrderElementsOf(next);
        assertThat(counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1")).isEqualTo(1);
        assertThat(db.stagedBatches(table)).isZero();
    }

    /**
     * Random batches of overlapping keys and times, staged by this process or another, windows read ahead and
     * drained: every window is the same from memory and from the table.
     */
    @Test
    void everyWindowIsTheSameFromMemoryAndFromTheTable() throws Exception {
        Random random = new Random(7);
        SqlStager other = stager(new PrometheusRegistry());
        SqlStager reader = stager(new PrometheusRegistry()); // never stages, so it reads every window from the table
        for (int b = 0; b < 40; b++) {
            List<Mutation> batch = new ArrayList<>();
            for (int m = 0; m < 1 + random.nextInt(60); m++) {
                // Batches a little longer than the windows are apart, so many straddle a window's bound.
                long nanos = 1 + b * 24 + random.nextInt(120);
                int key = random.nextInt(40);
                // A time and key always carry the same change, as a changefeed sends them.
                batch.add(random.nextInt(8) == 0 ? Mutation.delete(new Hlc(nanos, 0), "[" + key + "]")
                        : upsert(nanos, 0, key, "v" + nanos + "/" + key));
            }
            stageCommitted(b % 10 == 9 ? other : stager, batch);
            if (b % 7 == 0) {
                stageCommitted(stager, batch); // a redelivery
            }
        }
        Optional<Hlc> after = Optional.empty();
        int fromMemory = 0;
        for (long upTo = 100; upTo <= 1_100; upTo += 100) {
            Hlc bound = new Hlc(upTo, 0);
            Stager.Peeked read = peekWith(reader, after, bound).orElseThrow();
            double before = counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1");
            List<Mutation> drained = upTo % 200 == 0 ? drain(table, bound, 7, new ArrayList<>())
                    : peekAndDiscard(after, bound);
            fromMemory += (int) (counter(registry, "stage_windows_from_memory_total", db.name, table.schema(), "t1") - before);
            assertThat(drained).as("window up to " + upTo).containsExactlyInAnyOrderElementsOf(read.mutations());
            markApplied(upTo);
            after = Optional.of(bound);
        }
        assertThat(db.stagedBatches(table)).isZero();
        assertThat(fromMemory).as("windows no batch of the other instance overlaps").isBetween(2, 9);
    }

    private List<Mutation> peekAndDiscard(Optional<Hlc> after, Hlc upTo) throws SQLException {
        Stager.Peeked peeked = peek(after, upTo, 1_000_000).orElseThrow();
        discard(peeked);
        return peeked.mutations();
    }

    @Test
    void drainHandsOverTheNewestMutationPerKeyAndKeepsLaterRows() throws SQLException {
        db.stage(stager, table, List.of(
                upsert(10, 0, 1, "a"), upsert(20, 0, 1, "b"), upsert(20, 1, 1, "b1"), upsert(30, 0, 1, "c"),
                upsert(15, 0, 2, "x"), upsert(35, 0, 3, "later")));

        List<Mutation> first = drain(table, new Hlc(25, 0), 10, new ArrayList<>());
        assertThat(first).extracting(m -> m.key() + "@" + m.time())
                .containsExactly("[1]@" + new Hlc(20, 1), "[2]@" + new Hlc(15, 0));
        assertThat(first.get(0).data()).hasValueSatisfying(d -> assertThat(d).contains("b1"));
        assertThat(db.stagedBatches(table)).as("the batch straddles 25").isOne();
        markApplied(25);

        List<Mutation> second = drain(table, new Hlc(100, 0), 10, new ArrayList<>());
        assertThat(second).extracting(m -> m.key() + "@" + m.time().nanos())
                .containsExactly("[1]@30", "[3]@35");
        assertThat(db.stagedRows(table)).isZero();
    }

    @Test
    void drainIncludesRowsExactlyAtTheBoundAndNothingAfterIt() throws SQLException {
        db.stage(stager, table, List.of(upsert(50, 3, 1, "at"), upsert(50, 4, 2, "after")));
        db.stage(stager, table, List.of(upsert(50, 3, 3, "at too")));

        List<Mutation> drained = drain(table, new Hlc(50, 3), 10, new ArrayList<>());

        assertThat(drained).extracting(Mutation::key).containsExactly("[1]", "[3]");
        assertThat(db.stagedBatches(table)).as("the batch ending at the bound is removed").isEqualTo(1);
    }

    @Test
    void deletesAreStagedAsJsonNullAndDrainedAsDeletes() throws SQLException {
        db.stage(stager, table, List.of(upsert(10, 0, 7, "x"), Mutation.delete(new Hlc(11, 0), "[7]")));
        assertThat(db.string("SELECT " + lines() + " FROM " + db.meta(db.stagingTable(table))).split("\n")[1])
                .isEqualTo("11\t0\t[7]\tnull");

        List<Mutation> drained = drain(table, new Hlc(20, 0), 10, new ArrayList<>());

        assertThat(drained).singleElement().satisfies(m -> {
            assertThat(m.isDelete()).isTrue();
            assertThat(m.key()).isEqualTo("[7]");
        });
    }

    /** An earlier release's staging table of the target table, registered, holding rows. */
    private String legacyTable(String keyType, String mutType, int rows) throws SQLException {
        assumeFalse(db.mysql(), "no earlier release staged into MySQL: there is no legacy table to convert");
        String legacy = "stage_app_t1";
        try (Connection conn = db.connect()) {
            stager.stagedTables(conn, db.schema("app")); // creates the registry an earlier release would have left
        }
        db.exec("CREATE TABLE _cdc_sink.\"" + legacy + "\" (nanos BIGINT NOT NULL, logical INT NOT NULL, "
                        + "key " + keyType + " NOT NULL, mut " + mutType + " NOT NULL, PRIMARY KEY (nanos, logical, key))",
                "INSERT INTO _cdc_sink.staged_tables VALUES ('app', 't1', '" + legacy + "')",
                // Keys 0..9, each rewritten at many times; the last row of each key at time 1000 + key.
                "INSERT INTO _cdc_sink.\"" + legacy + "\" SELECT i, i % 3, '[' || (i % 10) || ']', "
                        + "('{\"id\":' || (i % 10) || ',\"v\":\"r' || i || '\"}')::" + mutType
                        + " FROM generate_series(1, " + rows + ") AS i",
                // Values the line format escapes, and a delete.
                "INSERT INTO _cdc_sink.\"" + legacy + "\" VALUES (5000, 0, E'[\"a\\tb\\\\c\\nd\"]', "
                        + "E'{\"id\":\"tab\\\\there\",\"v\":\"caf\u00e9 \ud83d\ude00 \\\\\\\\ \\\\r\"}'), "
                        + "(5001, 0, '[7]', 'null')");
        return legacy;
    }

    @ParameterizedTest(name = "key {0}, mut {1}")
    @CsvSource(delimiter = '|', value = {"TEXT|JSONB", "TEXT COLLATE \"C\"|JSON", "TEXT COLLATE \"C\"|TEXT"})
    void stagingTablesOfEarlierReleasesAreConvertedWithTheirRowsOnFirstUse(String keyType, String mutType)
            throws Exception {
        String legacy = legacyTable(keyType, mutType, 2_500);
        List<Mutation> before = new ArrayList<>();
        try (Connection conn = db.connect()) {
            try (var rs = conn.createStatement().executeQuery("SELECT DISTINCT ON (key) nanos, logical, key, mut::TEXT"
                    + " FROM _cdc_sink.\"" + legacy + "\" WHERE nanos <= 3000 ORDER BY key, nanos DESC, logical DESC")) {
                while (rs.next()) {
                    before.add(new Mutation(new Hlc(rs.getLong(1), rs.getInt(2)), rs.getString(3),
                            Optional.of(rs.getString(4))));
                }
            }
        }
        assertThat(before).hasSize(10);

        // Staging the table's next batch converts the legacy table first.
        db.stage(stager, table, List.of(upsert(2_999, 1, 3, "new"), upsert(6_000, 0, 11, "later")));
        assertThat(db.stagingTable(table)).isEqualTo("stage2_app_t1");
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = '" + legacy + "'")).as("dropped").isZero();
        assertThat(db.stagedBatches(table)).as("2,502 rows in batches of 1,000, and the new batch").isEqualTo(4);
        assertThat(db.stagedRows(table)).isEqualTo(2_504);

        List<Mutation> first = drain(table, new Hlc(3_000, 0), 4, new ArrayList<>());
        List<Mutation> expected = new ArrayList<>(before.stream().filter(m -> !m.key().equals("[3]")).toList());
        expected.add(upsert(2_999, 1, 3, "new"));
        assertThat(first).containsExactlyInAnyOrderElementsOf(expected);
        markApplied(3_000);
        List<Mutation> second = drain(table, new Hlc(7_000, 0), 4, new ArrayList<>());
        assertThat(second).extracting(Mutation::key, Mutation::isDelete).containsExactlyInAnyOrder(
                tuple("[\"a\tb\\c\nd\"]", false), tuple("[7]", true), tuple("[11]", false));
        Mutation special = second.stream().filter(m -> m.key().startsWith("[\"a")).findFirst().orElseThrow();
        assertThat(MAPPER.readTree(special.data().orElseThrow())).isEqualTo(
                MAPPER.readTree("{\"id\":\"tab\\there\",\"v\":\"caf\u00e9 \ud83d\ude00 \\\\ \\r\"}"));
        assertThat(db.stagedBatches(table)).isZero();
    }

    @Test
    void aLegacyTableIsConvertedByTheFirstDrainAndNotReadAheadBeforeThat() throws Exception {
        legacyTable("TEXT COLLATE \"C\"", "TEXT", 30);
        assertThat(peek(Optional.empty(), new Hlc(10_000, 0), 100)).as("left to the drain").isEmpty();
        assertThat(db.stagingTable(table)).as("a peek converts nothing").isEqualTo("stage_app_t1");

        List<Mutation> drained = drain(table, new Hlc(10_000, 0), 100, new ArrayList<>());
        assertThat(drained).hasSize(11);
        assertThat(drained).filteredOn(m -> m.key().equals("[3]")).singleElement()
                .isEqualTo(upsert(23, 2, 3, "r23"));
        assertThat(db.stagingTable(table)).isEqualTo("stage2_app_t1");
        assertThat(db.stagedBatches(table)).isZero();
    }

    @Test
    void duplicatesWithinOneBatchKeepTheLastOne() throws SQLException {
        db.stage(stager, table, List.of(upsert(10, 0, 1, "first"), upsert(10, 0, 1, "second")));

        List<Mutation> drained = drain(table, new Hlc(10, 0), 10, new ArrayList<>());

        assertThat(drained).singleElement().satisfies(m -> assertThat(m.data().orElseThrow()).contains("second"));
    }

    @Test
    void mutationsAtOrBeforeTheLastAppliedResolvedTimestampAreSkippedAndCounted() throws SQLException {
        new SqlResolvedTimestamps(db.pools, new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema)))
                .prepare(db.name);
        setApplied(100, 5);

        db.stage(stager, table, List.of(upsert(99, 9, 1, "old"), upsert(100, 5, 2, "at"),
                upsert(100, 6, 3, "new"), upsert(200, 0, 4, "new")));

        assertThat(db.stagedRows(table)).isEqualTo(2);
        assertThat(counter(registry, "stage_skipped_mutations_total", db.name, table.schema(), "t1")).isEqualTo(2);
        assertThat(counter(registry, "stage_mutations_total", db.name, table.schema(), "t1")).isEqualTo(2);
    }

    @Test
    void tablesWhoseReadableNamesCollideGetSeparateStagingTables() throws SQLException {
        TableName ab = db.targetTable("a_b", "c");
        TableName a = db.targetTable("a", "b_c");
        String longName = "x".repeat(60);
        TableName longTable = db.targetTable("app", longName);
        db.stage(stager, ab, List.of(upsert(1, 0, 1, "ab")));
        db.stage(stager, a, List.of(upsert(1, 0, 1, "a"), upsert(2, 0, 2, "a")));
        db.stage(stager, longTable, List.of(upsert(1, 0, 1, "long")));

        assertThat(db.count("SELECT count(DISTINCT staging_table) FROM " + db.meta("staged_tables"))).isEqualTo(3);
        assertThat(db.stagedRows(ab)).isEqualTo(1);
        assertThat(db.stagedRows(a)).isEqualTo(2);
        assertThat(db.stagedRows(longTable)).isEqualTo(1);
        assertThat(db.string("SELECT staging_table FROM " + db.meta("staged_tables") + " WHERE target_table = '"
                + longName + "'")).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void stagedTablesListsRegisteredTablesOfTheSchemaAndUnknownTablesDrainNothing() throws SQLException {
        TableName other = db.targetTable("other", "t9");
        db.stage(stager, table, List.of(upsert(1, 0, 1, "a")));
        db.stage(stager, other, List.of(upsert(1, 0, 1, "a")));
        TableName t2 = db.targetTable("app", "t2");

        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            assertThat(stager.stagedTables(tx, db.schema("app"))).containsExactly(table);
            assertThat(stager.drain(tx, t2, new Hlc(10, 0), 10, batch -> {
                throw new AssertionError("nothing staged for t2");
            })).isZero();
            tx.commit();
        }
    }

    @Test
    void aSecondStagerInstanceFindsTheRegisteredStagingTable() throws SQLException {
        db.stage(stager, table, List.of(upsert(1, 0, 1, "a")));
        SqlStager other = stager(new PrometheusRegistry());

        List<Mutation> drained = new ArrayList<>();
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            other.drain(tx, table, new Hlc(1, 0), 10, drained::addAll);
            tx.commit();
        }

        assertThat(drained).hasSize(1);
    }
}
