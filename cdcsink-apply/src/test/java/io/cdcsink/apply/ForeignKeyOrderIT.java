package io.cdcsink.apply;

import static io.cdcsink.testing.TestDatabase.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.engine.RowChange;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.SqlCheckpoints;
import io.cdcsink.metadata.SqlMetadataSchema;
import io.cdcsink.metadata.SqlResolvedTimestamps;
import io.cdcsink.staging.SqlStager;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Windows and source transactions over foreign keys checked per statement ({@code NOT DEFERRABLE}): a chain of three
 * levels and a table referencing itself. The same changes run, in source order, on a source database with the same
 * keys (the oracle), and reach the target as a resolved window (staged in shuffled batches) or as one logical
 * transaction with its tables in the worst order; the target must end equal to the source value by value.
 */
class ForeignKeyOrderIT {
    private static final List<String> DDL = List.of(
            "CREATE TABLE grand (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
            "CREATE TABLE parent (id BIGINT PRIMARY KEY, grand_id BIGINT NOT NULL REFERENCES grand, v INT NOT NULL)",
            "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent,"
                    + " v INT NOT NULL)",
            "CREATE TABLE node (id BIGINT PRIMARY KEY, up_id BIGINT REFERENCES node, v INT NOT NULL)");
    private static final Map<String, List<String>> COLUMNS = Map.of(
            "grand", List.of("id", "name"), "parent", List.of("id", "grand_id", "v"),
            "child", List.of("id", "parent_id", "v"), "node", List.of("id", "up_id", "v"));

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private SqlStager stager;
    private SqlCheckpoints checkpoints;
    private TestDatabase target;
    private String sourceDb;

    /** One change in source order: a row's new values, or its delete ({@code values} null). */
    private record Op(String table, long id, List<String> values) {
        boolean delete() {
            return values == null;
        }
    }

    @BeforeEach
    void setUp() throws SQLException {
        target = new TestDatabase("fktarget");
        sourceDb = EmbeddedPg.shared().freshDatabase("fksource");
        target.exec(DDL.toArray(String[]::new));
        EmbeddedPg.shared().exec(sourceDb, DDL.toArray(String[]::new));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    /** 10 families (a grand, 3 parents, 4 children each) and a chain of 50 nodes, on both sides. */
    private List<Op> initial() {
        List<Op> ops = new ArrayList<>();
        for (long g = 1; g <= 10; g++) {
            ops.add(upsert("grand", g, "g" + g));
            for (long p = g * 10; p < g * 10 + 3; p++) {
                ops.add(upsert("parent", p, g, p % 7));
                for (long c = p * 10; c < p * 10 + 4; c++) {
                    ops.add(upsert("child", c, p, c % 5));
                }
            }
        }
        for (long n = 1; n <= 50; n++) {
            ops.add(upsert("node", n, n == 1 ? null : n - 1, n));
        }
        return ops;
    }

    /**
     * One source transaction (or window) of changes across the levels, valid in this order under per-statement
     * keys: a new family; parent 10's children moved to the new parent, then parent 10 deleted; grand 2's family
     * deleted children first; grand 3's parents moved to the new grand, then grand 3 deleted; a chain of 1,500 new
     * nodes under node 50, each referencing a higher id; node 40 cut loose, then nodes 30 to 39 deleted deepest
     * first.
     */
    private List<Op> crossing() {
        List<Op> ops = new ArrayList<>();
        ops.add(upsert("grand", 100, "g100"));
        ops.add(upsert("parent", 1000, 100, 1));
        for (long c = 10000; c < 10050; c++) {
            ops.add(upsert("child", c, 1000, 2));
        }
        for (long c = 100; c < 104; c++) {
            ops.add(upsert("child", c, 1000, 3));
        }
        ops.add(delete("parent", 10));
        for (long p = 20; p < 23; p++) {
            for (long c = p * 10; c < p * 10 + 4; c++) {
                ops.add(delete("child", c));
            }
            ops.add(delete("parent", p));
        }
        ops.add(delete("grand", 2));
        for (long p = 30; p < 33; p++) {
            ops.add(upsert("parent", p, 100, 9));
        }
        ops.add(delete("grand", 3));
        // Each new node references the next id, so key order (a drain's) puts children first.
        for (long n = 2499; n >= 1000; n--) {
            ops.add(upsert("node", n, n == 2499 ? 50 : n + 1, 7));
        }
        ops.add(upsert("node", 40, null, 40));
        for (long n = 39; n >= 30; n--) {
            ops.add(delete("node", n));
        }
        return ops;
    }

    private static Op upsert(String table, long id, Object... rest) {
        List<String> values = new ArrayList<>();
        values.add(String.valueOf(id));
        for (Object v : rest) {
            values.add(v == null ? null : String.valueOf(v));
        }
        return new Op(table, id, values);
    }

    private static Op delete(String table, long id) {
        return new Op(table, id, null);
    }

    /** Runs the changes on the source in order, in one transaction: the source's keys check that order. */
    private void onSource(List<Op> ops) throws SQLException {
        try (Connection c = EmbeddedPg.shared().dataSource(sourceDb).getConnection()) {
            c.setAutoCommit(false);
            for (Op op : ops) {
                List<String> columns = COLUMNS.get(op.table());
                String sql = op.delete() ? "DELETE FROM " + op.table() + " WHERE id = ?"
                        : "INSERT INTO " + op.table() + " (" + String.join(", ", columns) + ") VALUES ("
                        + placeholders(op.table(), columns.size()) + ") ON CONFLICT (id) DO UPDATE SET "
                        + String.join(", ", columns.stream().skip(1).map(col -> col + " = excluded." + col).toList());
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (op.delete()) {
                        ps.setLong(1, op.id());
                    } else {
                        for (int i = 0; i < op.values().size(); i++) {
                            ps.setString(i + 1, op.values().get(i));
                        }
                    }
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }

    /** Every value is bound as text: cast to the column's type, {@code grand.name} being the only text column. */
    private static String placeholders(String table, int columns) {
        List<String> out = new ArrayList<>(Collections.nCopies(columns, "CAST(? AS BIGINT)"));
        if (table.equals("grand")) {
            out.set(1, "?");
        }
        return String.join(", ", out);
    }

    private TableName table(String name) {
        return new TableName(target.name, "public", name);
    }

    /** The changefeed's form of the changes, by table, each at its own time from {@code first} on. */
    private Map<TableName, List<Mutation>> mutations(List<Op> ops, long first) {
        Map<TableName, List<Mutation>> out = new LinkedHashMap<>();
        long time = first;
        for (Op op : ops) {
            Hlc at = new Hlc(time++, 0);
            String key = "[" + op.id() + "]";
            Mutation m;
            if (op.delete()) {
                m = Mutation.delete(at, key);
            } else {
                List<String> columns = COLUMNS.get(op.table());
                StringBuilder json = new StringBuilder("{");
                for (int i = 0; i < columns.size(); i++) {
                    String v = op.values().get(i);
                    json.append(i > 0 ? "," : "").append('"').append(columns.get(i)).append("\":")
                            .append(v == null ? "null" : op.table().equals("grand") && i == 1 ? "\"" + v + "\"" : v);
                }
                m = Mutation.upsert(at, key, json.append('}').toString());
            }
            out.computeIfAbsent(table(op.table()), t -> new ArrayList<>()).add(m);
        }
        return out;
    }

    /**
     * A logical source's form of the changes, in one map with the referencing tables first and each table's changes
     * in reverse (one change per key, so only the order they are written in changes).
     */
    private Map<TableName, List<RowChange>> rowChanges(List<Op> ops) {
        Map<TableName, List<RowChange>> out = new LinkedHashMap<>();
        for (String t : List.of("child", "node", "parent", "grand")) {
            out.put(table(t), new ArrayList<>());
        }
        long time = 1;
        for (Op op : ops) {
            List<String> columns = COLUMNS.get(op.table());
            RowShape shape = new RowShape(columns, List.of(0));
            String[] values = new String[columns.size()];
            if (op.delete()) {
                values[0] = String.valueOf(op.id());
            } else {
                op.values().toArray(values);
            }
            SourceRow row = SourceRow.of(shape, values);
            Hlc at = new Hlc(time++, 0);
            out.get(table(op.table())).add(0, op.delete() ? RowChange.delete(at, row) : RowChange.upsert(at, row));
        }
        return out;
    }

    private void assertTargetEqualsSource() throws SQLException {
        String src = EmbeddedPg.shared().jdbcUrl(sourceDb);
        String dst = EmbeddedPg.shared().jdbcUrl(target.name);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, List<String>> t : COLUMNS.entrySet()) {
            differences.addAll(TableDiff.differences(src, dst, t.getKey(), List.of("id"),
                    t.getValue().subList(1, t.getValue().size())));
        }
        assertThat(differences).isEmpty();
        assertThat(target.count("SELECT count(*) FROM node")).isEqualTo(1540);
    }

    /** A resolver over the target with the real stager and an applier that reads the target's keys. */
    private ResolverService resolver(ResolverConfig config, PrometheusRegistry registry) {
        SqlMetadataSchema area = new SqlMetadataSchema(target.pools, MetadataConfig.defaults());
        SqlResolvedTimestamps timestamps = new SqlResolvedTimestamps(target.pools, area);
        TargetSchemaCatalog catalog = new TargetSchemaCatalog(target.pools);
        JsonApplier applier = new JsonApplier(target.pools, catalog, ApplyConfigs.NONE, registry);
        stager = new SqlStager(target.pools.dialect(), area, timestamps, registry);
        ResolverService service = new ResolverService(target.pools, stager, applier, timestamps, config, registry);
        closeAfter.add(service);
        checkpoints = new SqlCheckpoints(target.pools, area, timestamps, service);
        return service;
    }

    /** Stages each table's mutations in shuffled batches of at most 300, as a changefeed's nodes would send them. */
    private void stageShuffled(Map<TableName, List<Mutation>> byTable, long seed) throws SQLException {
        Random random = new Random(seed);
        for (Map.Entry<TableName, List<Mutation>> e : byTable.entrySet()) {
            List<Mutation> shuffled = new ArrayList<>(e.getValue());
            Collections.shuffle(shuffled, random);
            for (int i = 0; i < shuffled.size(); i += 300) {
                target.stage(stager, e.getKey(), shuffled.subList(i, Math.min(shuffled.size(), i + 300)));
            }
        }
    }

    @Test
    void aWindowCrossingThreeLevelsAndASelfReferenceAppliesUnderPerStatementKeys() throws Exception {
        // Small drain batches: a table's window comes in many, and the deletes of referenced tables wait for the end.
        ResolverService service = resolver(new ResolverConfig(100, Duration.ofMillis(200), Duration.ofMinutes(1)),
                new PrometheusRegistry());
        SchemaName schema = target.schema("public");
        List<Op> initial = initial();
        onSource(initial);
        stageShuffled(mutations(initial, 1), 1);
        checkpoints.mark(schema, new Hlc(initial.size(), 0));
        assertThat(service.applyNextWindow(schema)).isPresent();

        List<Op> crossing = crossing();
        onSource(crossing);
        stageShuffled(mutations(crossing, 10_000), 2);
        checkpoints.mark(schema, new Hlc(10_000 + crossing.size(), 0));
        assertThat(service.applyNextWindow(schema)).hasValueSatisfying(w -> assertThat(w.mutations())
                .isEqualTo(crossing.size()));
        assertTargetEqualsSource();
    }

    @Test
    void aWindowReadAheadIsAppliedInTheSameOrder() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        ResolverService service = resolver(new ResolverConfig(2_000, Duration.ofMillis(100), Duration.ofMinutes(1)),
                registry);
        SchemaName schema = target.schema("public");
        List<Op> initial = initial();
        onSource(initial);
        stageShuffled(mutations(initial, 1), 3);
        List<Op> crossing = crossing();
        onSource(crossing);
        stageShuffled(mutations(crossing, 10_000), 4);
        checkpoints.mark(schema, new Hlc(initial.size(), 0));
        checkpoints.mark(schema, new Hlc(10_000 + crossing.size(), 0));
        service.start();
        TestDatabase.await(Duration.ofSeconds(30), () -> counter(registry, "resolve_windows_applied_total",
                target.name, "public") >= 2);
        assertThat(counter(registry, "resolve_windows_read_ahead_total", target.name, "public")).isEqualTo(1);
        assertTargetEqualsSource();
    }

    @Test
    void aSourceTransactionAppliesItsTablesInKeyOrderWhateverOrderTheyCameIn() throws Exception {
        JsonApplier applier = new JsonApplier(target.pools, new TargetSchemaCatalog(target.pools),
                ApplyConfigs.NONE, new PrometheusRegistry());
        for (List<Op> ops : List.of(initial(), crossing())) {
            onSource(ops);
            try (Connection tx = target.connect()) {
                tx.setAutoCommit(false);
                Map<TableName, ApplyResult> applied = applier.applyChanges(tx, rowChanges(ops));
                tx.commit();
                assertThat(applied.values().stream().mapToLong(r -> r.upserts() + r.deletes()).sum())
                        .isEqualTo(ops.size());
            }
        }
        assertTargetEqualsSource();
    }

    @Test
    void deferrableKeysOnACycleOfTablesAreDeferredToCommit() throws Exception {
        target.exec("CREATE TABLE a (id INT PRIMARY KEY, b_id INT)",
                "CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a DEFERRABLE)",
                "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b DEFERRABLE");
        ResolverService service = resolver(new ResolverConfig(100, Duration.ofMillis(200), Duration.ofMinutes(1)),
                new PrometheusRegistry());
        SchemaName schema = target.schema("public");
        // Each row references the other: only a check at commit lets them in, whatever the order.
        target.stage(stager, table("a"), List.of(Mutation.upsert(new Hlc(1, 0), "[1]", "{\"id\":1,\"b_id\":1}")));
        target.stage(stager, table("b"), List.of(Mutation.upsert(new Hlc(1, 0), "[1]", "{\"id\":1,\"a_id\":1}")));
        checkpoints.mark(schema, new Hlc(2, 0));
        assertThat(service.applyNextWindow(schema)).isPresent();
        assertThat(target.count("SELECT count(*) FROM a JOIN b ON a.b_id = b.id AND b.a_id = a.id")).isEqualTo(1);
    }

    @Test
    void rowByRowARowWaitingForALaterParentOfItsWriteIsNotRefused() throws Exception {
        JsonApplier applier = new JsonApplier(target.pools, new TargetSchemaCatalog(target.pools),
                ApplyConfigs.NONE, new PrometheusRegistry());
        TableName node = table("node");
        RowShape shape = new RowShape(COLUMNS.get("node"), List.of(0));
        // A row whose parent is nowhere: refused, and the table's next writes go one row at a time.
        assertThatThrownBy(() -> applyNodes(applier, node, List.of(
                RowChange.upsert(new Hlc(1, 0), SourceRow.of(shape, new String[] {"5", "999", "1"})))))
                .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("one at a time");
        // One at a time, a child that comes before its parent in the write is written after it.
        applyNodes(applier, node, List.of(
                RowChange.upsert(new Hlc(2, 0), SourceRow.of(shape, new String[] {"3", "4", "1"})),
                RowChange.upsert(new Hlc(2, 0), SourceRow.of(shape, new String[] {"4", null, "1"}))));
        assertThat(target.count("SELECT count(*) FROM node WHERE id IN (3, 4)")).isEqualTo(2);
        // Deletes carry only keys: the parent's, refused while its child is there, goes in after the child's.
        assertThatThrownBy(() -> applyNodes(applier, node, List.of(
                RowChange.upsert(new Hlc(3, 0), SourceRow.of(shape, new String[] {"6", "999", "1"})))))
                .isInstanceOf(TargetUnavailableException.class);
        applyNodes(applier, node, List.of(
                RowChange.delete(new Hlc(4, 0), SourceRow.of(shape, new String[] {"4", null, null})),
                RowChange.delete(new Hlc(4, 0), SourceRow.of(shape, new String[] {"3", null, null}))));
        assertThat(target.count("SELECT count(*) FROM node WHERE id IN (3, 4)")).isZero();
        // Rows whose parents neither the target nor the write holds are still refused (named by a key of theirs).
        assertThatThrownBy(() -> applyNodes(applier, node, List.of(
                RowChange.upsert(new Hlc(3, 0), SourceRow.of(shape, new String[] {"7", "999", "1"})))))
                .isInstanceOf(TargetUnavailableException.class);
        assertThatThrownBy(() -> applyNodes(applier, node, List.of(
                RowChange.upsert(new Hlc(4, 0), SourceRow.of(shape, new String[] {"8", "7", "1"})),
                RowChange.upsert(new Hlc(4, 0), SourceRow.of(shape, new String[] {"7", "999", "1"})))))
                .isInstanceOfSatisfying(BlockedException.class, b -> assertThat(b.blockage().key())
                        .hasValueSatisfying(k -> assertThat(k).isIn("[\"8\"]", "[\"7\"]")));
        assertThat(target.count("SELECT count(*) FROM node WHERE id IN (7, 8)")).isZero();
    }

    /** Applies the changes in one transaction and commits it. */
    private void applyNodes(JsonApplier applier, TableName node, List<RowChange> changes) throws SQLException {
        try (Connection tx = target.connect()) {
            tx.setAutoCommit(false);
            try {
                applier.applyChanges(tx, node, changes);
                tx.commit();
            } catch (SQLException | RuntimeException e) {
                tx.rollback();
                throw e;
            }
        }
    }
}
