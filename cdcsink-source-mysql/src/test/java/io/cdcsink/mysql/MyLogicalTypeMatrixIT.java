package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.mysql.TypeMatrix.Column;
import io.cdcsink.mysql.TypeMatrix.Table;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The type matrix: every MariaDB column type, replicated by the real {@code mylogical} path (the dialect in the
 * shared replication loop, in-JVM) from MariaDB into PostgreSQL columns of the types docs/mylogical.md suggests, then
 * every row of both sides compared cell by cell through each side's own output function. The source is the oracle:
 * what it holds after the writes, not what the test meant to write. A mismatch names every differing cell.
 *
 * <p>The edge values of {@link MatrixTables} go through every change case of {@link MatrixWriter} in consistent and in
 * immediate mode; generated values (jqwik) go through them again. jqwik prints each property's seed in its report;
 * to replay a failure, put that seed into the property ({@code @Property(seed = "...")}); jqwik also replays the last
 * failing seed by itself on the next run (it keeps it in target/jqwik-database).
 *
 * <p>Runs on jqwik's engine (examples and properties), one MariaDB and one PostgreSQL server for the JVM, fresh
 * databases on both for each example and property.
 */
class MyLogicalTypeMatrixIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int FAN_SHARDS = 4;
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(100);
    private static EmbeddedMariaDb source;
    private static EmbeddedPg target;

    private String sourceDb;
    private String targetDb;
    private Replicator replicator;
    private int tries;

    @BeforeContainer
    static void servers() throws SQLException {
        source = EmbeddedMariaDb.shared();
        target = EmbeddedPg.shared();
        System.out.println("type matrix: MariaDB " + source.version() + ", " + MatrixTables.all().stream()
                .mapToInt(t -> t.all().size()).sum() + " columns in " + MatrixTables.all().size() + " tables, "
                + MatrixWriter.CASES + " change cases");
    }

    @BeforeProperty
    void freshDatabases() throws SQLException {
        sourceDb = source.newDatabase("matrix");
        targetDb = target.freshDatabase("matrix");
        tries = 0;
    }

    @AfterProperty
    void stopReplication() {
        if (replicator != null) {
            replicator.close();
            replicator = null;
        }
    }

    @Example
    void everyTypeArrivesExactlyInConsistentMode() throws Exception {
        matrix(false);
    }

    @Example
    void everyTypeArrivesExactlyInImmediateMode() throws Exception {
        matrix(true);
    }

    /** Generated values through every case, consistent mode. */
    @Property(tries = 2, shrinking = ShrinkingMode.OFF)
    void generatedValuesArriveExactlyInConsistentMode(@ForAll("rows") Map<String, List<List<String>>> rows)
            throws Exception {
        generated(rows, false);
    }

    /** Generated values through every case, immediate mode (fan shards). */
    @Property(tries = 2, shrinking = ShrinkingMode.OFF)
    void generatedValuesArriveExactlyInImmediateMode(@ForAll("rows") Map<String, List<List<String>>> rows)
            throws Exception {
        generated(rows, true);
    }

    @Example
    void latin1BytesArriveExactly() throws Exception {
        Table latin1 = MatrixTables.latin1();
        List<Table> tables = List.of(latin1, MatrixTables.keyed());
        create(tables);
        start(false);
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                writer.cases(t, edges(t), 0);
            }
            // The five bytes cp1252 leaves undefined: MariaDB's latin1 makes them C1 controls, Java's U+FFFD.
            writer.tx("INSERT INTO latin1 (id, v) VALUES (9999, _latin1 X'818D8F909D')");
        }
        awaitApplied();
        assertSame(tables);
        assertThat(targetValue("SELECT v FROM latin1 WHERE id = 9999"))
                .isEqualTo("\u0081\u008D\u008F\u0090\u009D");
    }

    @Example
    void datesBeforeTheGregorianReformKeepTheirFields() throws Exception {
        List<Table> tables = List.of(MatrixTables.temporals(), MatrixTables.oldTemporals(), MatrixTables.keyed());
        create(tables);
        start(false);
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                writer.cases(t, edges(t), 0);
            }
            writer.tx("INSERT INTO temporals (id, d, dt6) VALUES (9999, '1582-10-10', '1582-10-04 23:59:59.999999')",
                    "INSERT INTO old_temporals (id, odt2) VALUES (9999, '1000-01-01 00:00:00.01')");
        }
        awaitApplied();
        assertSame(tables);
        assertThat(targetValue("SELECT d || ' ' || dt6 FROM temporals WHERE id = 9999"))
                .isEqualTo("1582-10-10 1582-10-04 23:59:59.999999");
        assertThat(targetValue("SELECT odt2::text FROM old_temporals WHERE id = 9999"))
                .isEqualTo("1000-01-01 00:00:00.01");
    }

    @Example
    void negativeAndFractionalTimesArriveExactly() throws Exception {
        List<Table> tables = List.of(MatrixTables.temporals(), MatrixTables.oldTemporals());
        create(tables);
        start(false);
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                writer.cases(t, edges(t), 0);
            }
            writer.tx("INSERT INTO temporals (id, t0, t1, t6) VALUES (9999, '-838:59:59', '-00:00:01.5',"
                            + " '-00:00:00.000001')",
                    "INSERT INTO old_temporals (id, ot0, ot3) VALUES (9999, '-838:59:59', '-00:00:00.001')");
        }
        awaitApplied();
        assertSame(tables);
        assertThat(targetValue("SELECT t0 || ' ' || t1 || ' ' || t6 FROM temporals WHERE id = 9999"))
                .isEqualTo("-838:59:59 -00:00:01.5 -00:00:00.000001");
        assertThat(targetValue("SELECT ot0 || ' ' || ot3 FROM old_temporals WHERE id = 9999"))
                .isEqualTo("-838:59:59 -00:00:00.001");
    }

    @Example
    void zeroDatesAreKeptOrRefusedNeverNulled() throws Exception {
        Table zero = MatrixTables.zeroDates();
        create(List.of(zero));
        source.execute(sourceDb, "CREATE TABLE refused (id INT PRIMARY KEY, d DATE)",
                "CREATE TABLE bystander (id INT PRIMARY KEY)");
        target.exec(targetDb, "CREATE TABLE refused (id integer PRIMARY KEY, d date)",
                "CREATE TABLE bystander (id integer PRIMARY KEY)");
        start(false);
        try (MatrixWriter writer = writer()) {
            writer.cases(zero, edges(zero), 0);
        }
        awaitApplied();
        assertSame(List.of(zero));
        assertThat(targetValue("SELECT string_agg(DISTINCT zd, ',' ORDER BY zd) FROM zero_dates"))
                .isEqualTo("0000-00-00,0000-01-01,1582-10-10,2020-00-15,2020-02-31,2020-05-00");

        // A zero date into a date column: the target refuses it, naming it; nothing of its transaction is applied.
        LogicalLoop loop = replicator.source(LogicalLoop.class);
        try (MatrixWriter writer = writer()) {
            writer.sqlMode("");
            writer.tx("INSERT INTO bystander VALUES (1)", "INSERT INTO refused VALUES (1, '0000-00-00')");
        }
        assertThat(awaitProblem(loop, "0000-00-00")).contains("date/time field value out of range");
        assertThat(targetValue("SELECT (SELECT count(*) FROM bystander) + (SELECT count(*) FROM refused)"))
                .isEqualTo("0");
        assertNotApplied(loop);
    }

    @Example
    void textNoPostgreSqlTextCanHoldStopsReplicationNamingTheColumn() throws Exception {
        // MariaDB's ucs2 stores a lone surrogate; Java's decoder would make it U+FFFD without a word.
        source.execute(sourceDb, "CREATE TABLE unreadable (id INT PRIMARY KEY, u VARCHAR(5) CHARACTER SET ucs2)",
                "CREATE TABLE bystander (id INT PRIMARY KEY)");
        target.exec(targetDb, "CREATE TABLE unreadable (id integer PRIMARY KEY, u text)",
                "CREATE TABLE bystander (id integer PRIMARY KEY)");
        start(false);
        LogicalLoop loop = replicator.source(LogicalLoop.class);
        try (MatrixWriter writer = writer()) {
            writer.sqlMode("");
            writer.tx("INSERT INTO bystander VALUES (1)", "INSERT INTO unreadable VALUES (1, X'0041D800')");
        }
        String problem = awaitProblem(loop, sourceDb + ".unreadable");
        assertThat(problem).contains("column u").contains("\\x0041d800");
        assertThat(targetValue("SELECT (SELECT count(*) FROM bystander) + (SELECT count(*) FROM unreadable)"))
                .isEqualTo("0");
        assertNotApplied(loop);
    }

    /** The source's last transaction is not durable in the target (it is the one that failed). */
    private static void assertNotApplied(LogicalLoop loop) throws SQLException {
        GtidSet last = GtidPositions.parse("mariadb:" + source.gtidBinlogPos());
        assertThat(loop.durablePosition().map(p -> GtidPositions.parse(p.text()).contains(last))).as(
                "the failed transaction's position is durable: %s", loop.durablePosition()).isNotEqualTo(
                Optional.of(true));
    }

    private static String awaitProblem(LogicalLoop loop, String text) throws InterruptedException {
        return LoopWaits.awaitProblem(loop, text, WAIT);
    }

    // --- the matrix ---

    private void matrix(boolean immediate) throws Exception {
        List<Table> tables = MatrixTables.all();
        create(tables);
        start(immediate);
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                writer.cases(t, edges(t), 0);
            }
        }
        awaitApplied();
        assertSame(tables);
    }

    private void generated(Map<String, List<List<String>>> rows, boolean immediate) throws Exception {
        List<Table> tables = MatrixTables.all();
        if (replicator == null) {
            create(tables);
            start(immediate);
        }
        int base = ++tries * 100_000;
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                List<List<String>> tableRows = rows.get(t.name());
                writer.cases(t, (row, column) -> tableRows.get(row % tableRows.size()).get(column), base);
            }
        }
        awaitApplied();
        assertSame(tables);
    }

    /** Per table, rows of generated literals, one per non-key column. */
    @Provide
    Arbitrary<Map<String, List<List<String>>>> rows() {
        List<Arbitrary<List<List<String>>>> tables = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Table t : MatrixTables.all()) {
            List<Arbitrary<String>> columns = new ArrayList<>();
            for (Column c : t.columns()) {
                columns.add(c.generated() == null ? Arbitraries.just("") : c.generated());
            }
            names.add(t.name());
            tables.add(Combinators.combine(columns).as(List::copyOf).list().ofSize(MatrixWriter.BULK + 10));
        }
        return Combinators.combine(tables).as(all -> {
            Map<String, List<List<String>>> byTable = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byTable.put(names.get(i), all.get(i));
            }
            return byTable;
        });
    }

    /** Edge values: value row r of column c is edge (r + c) of that column, so every row mixes them. */
    private static MatrixWriter.Values edges(Table table) {
        return (row, column) -> {
            List<String> edges = table.columns().get(column).edges();
            return edges.get((row + column) % edges.size());
        };
    }

    // --- fixture ---

    private void create(List<Table> tables) throws SQLException {
        for (Table t : tables) {
            boolean old = t.name().equals("old_temporals");
            if (old) {
                source.execute("", "SET GLOBAL mysql56_temporal_format = OFF");
            }
            try {
                source.execute(sourceDb, t.sourceDdl());
            } finally {
                if (old) {
                    source.execute("", "SET GLOBAL mysql56_temporal_format = ON");
                }
            }
            target.exec(targetDb, t.targetDdl());
        }
    }

    /** Starts replication from the source's current position into the target database. */
    private void start(boolean immediate) throws Exception {
        MyLogicalConfig config = new MyLogicalConfig(MySqlConn.parse(source.sourceConn()),
                Optional.of(source.gtidBinlogPos()), targetDb, "public", Set.of(sourceDb),
                SERVER_IDS.incrementAndGet());
        LogicalConfig loop = LogicalConfig.defaults("matrix", targetDb).withImmediate(immediate)
                .withFanShards(FAN_SHARDS).withRetryDelay(Duration.ofMillis(200))
                .withStandbyTimeout(Duration.ofMillis(200));
        replicator = Replicator.builder()
                .target(TargetConfig.of(target.connectionString()).withMaxPoolSize(FAN_SHARDS + 2))
                .registry(new PrometheusRegistry()).disableAuthentication().withoutStaging()
                .source(MyLogicalSourceProvider.NAME, options(config.toOptions(), loop.toOptions())).start();
    }

    /** The source's options and the loop's, as {@code cdc-sink mylogical} passes its flags. */
    private static Map<String, String> options(Map<String, String> source, Map<String, String> loop) {
        Map<String, String> all = new HashMap<>(source);
        all.putAll(loop);
        return all;
    }

    private MatrixWriter writer() throws SQLException {
        return new MatrixWriter(source.connect(sourceDb));
    }

    /** Waits until the loop has made everything the source committed so far durable in the target. */
    private void awaitApplied() throws Exception {
        LoopWaits.awaitApplied(replicator.source(LogicalLoop.class), source, WAIT);
    }

    /** Compares every row of every table on both sides, failing with every differing cell. */
    private void assertSame(List<Table> tables) throws SQLException {
        List<String> differences = new ArrayList<>();
        int rows = 0;
        int cells = 0;
        try (Connection s = source.connect(sourceDb); Connection t = target.dataSource(targetDb).getConnection();
             Statement ss = s.createStatement(); Statement ts = t.createStatement()) {
            ss.execute("SET time_zone = '+00:00'");
            ts.execute("SET TimeZone = 'UTC'");
            for (Table table : tables) {
                MatrixComparison.Result result = MatrixComparison.compare(s, t, table);
                differences.addAll(result.differences());
                rows += result.rows();
                cells += result.cells();
            }
        }
        System.out.println("compared " + cells + " cells in " + rows + " rows of " + tables.size() + " tables");
        if (!differences.isEmpty()) {
            throw new AssertionError(differences.size() + " cells differ between source and target:\n"
                    + String.join("\n", differences));
        }
    }

    private String targetValue(String sql) throws SQLException {
        try (Connection c = target.dataSource(targetDb).getConnection(); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = st.executeQuery(sql)) {
                assertThat(rs.next()).as("a row from %s", sql).isTrue();
                return rs.getString(1);
            }
        }
    }
}
