package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.Snapshot;
import io.cdcsink.api.SnapshotReader;
import io.cdcsink.api.SnapshotTable;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import io.cdcsink.mysql.TypeMatrix.Column;
import io.cdcsink.mysql.TypeMatrix.Table;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Initial loads from MariaDB ({@link MySqlSnapshots}): every type of the matrix copied in small chunks by two readers
 * with {@code COPY} into PostgreSQL columns of the types docs/mylogical.md suggests and compared cell by cell with the
 * source (the oracle), as {@link MyLogicalTypeMatrixIT} compares the binlog path; the copied text compared with the
 * binlog path's text of the same rows; chunk boundaries under a case-insensitive collation and on binary keys; and
 * the snapshot's consistency with its position.
 *
 * <p>Generated values come from jqwik, which prints each property's seed in its report; put it into
 * {@code @Property(seed = "...")} to replay a failure.
 */
class MySqlSnapshotIT {
    private static final int CHUNK_ROWS = 7;
    private static final int WORKERS = 2;
    private static final long WAIT_SECONDS = 60;
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(300);
    private static final HexFormat HEX = HexFormat.of();
    private static EmbeddedMariaDb source;
    private static EmbeddedPg target;

    private String sourceDb;
    private String targetDb;

    @BeforeContainer
    static void servers() throws SQLException {
        source = EmbeddedMariaDb.shared();
        target = EmbeddedPg.shared();
        System.out.println("snapshot: MariaDB " + source.version());
    }

    @BeforeTry
    void freshDatabases() throws SQLException {
        sourceDb = source.newDatabase("snap");
        targetDb = target.freshDatabase("snap");
    }

    // --- values ---

    @Example
    void everyTypeIsCopiedExactlyInChunks() throws Exception {
        List<Table> tables = new ArrayList<>(MatrixTables.all());
        tables.add(MatrixTables.latin1());
        create(tables);
        Optional<LogicalPosition> before = now();
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                writer.cases(t, edges(t), 0);
            }
            // The five bytes cp1252 leaves undefined, which MariaDB's latin1 makes C1 controls.
            writer.tx("INSERT INTO latin1 (id, v) VALUES (9999, _latin1 X'818D8F909D')");
        }
        Map<String, Map<String, List<String>>> copied = load(tables);
        assertSame(tables);
        assertSameAsBinlog(before, tables, copied);
    }

    @Example
    void oddValuesAreCopiedAsTheBinlogWritesThem() throws Exception {
        List<Table> tables = List.of(MatrixTables.temporals(), MatrixTables.oldTemporals(), MatrixTables.zeroDates());
        create(tables);
        Optional<LogicalPosition> before = now();
        try (MatrixWriter writer = writer()) {
            writer.sqlMode("ALLOW_INVALID_DATES");
            writer.tx("INSERT INTO temporals (id, d, dt6, t0, t1, t6) VALUES (9999, '1582-10-10',"
                            + " '1582-10-04 23:59:59.999999', '-838:59:59', '-00:00:01.5', '-00:00:00.000001')",
                    "INSERT INTO old_temporals (id, odt2, ot0, ot3) VALUES (9999, '1000-01-01 00:00:00.01',"
                            + " '-838:59:59', '-00:00:00.001')",
                    "INSERT INTO zero_dates (id, zd, zdt, zts) VALUES (9999, '0000-00-00', '2020-00-15 01:02:03.5',"
                            + " '0000-00-00 00:00:00')");
        }
        Map<String, Map<String, List<String>>> copied = load(tables);
        assertSame(tables);
        assertSameAsBinlog(before, tables, copied);
        assertThat(targetValue("SELECT t0 || ' ' || t1 || ' ' || t6 FROM temporals WHERE id = 9999"))
                .isEqualTo("-838:59:59 -00:00:01.5 -00:00:00.000001");
        assertThat(targetValue("SELECT zd || ' ' || zdt || ' ' || zts FROM zero_dates WHERE id = 9999"))
                .isEqualTo("0000-00-00 2020-00-15 01:02:03.500 0000-00-00 00:00:00.00");
    }

    /** Generated values of every type (jqwik prints the seed). */
    @Property(tries = 2, shrinking = ShrinkingMode.OFF)
    void generatedValuesAreCopiedExactly(@ForAll("rows") Map<String, List<List<String>>> rows) throws Exception {
        List<Table> tables = MatrixTables.all();
        create(tables);
        Optional<LogicalPosition> before = now();
        try (MatrixWriter writer = writer()) {
            for (Table t : tables) {
                List<List<String>> tableRows = rows.get(t.name());
                writer.cases(t, (row, column) -> tableRows.get(row % tableRows.size()).get(column), 0);
            }
        }
        Map<String, Map<String, List<String>>> copied = load(tables);
        assertSame(tables);
        assertSameAsBinlog(before, tables, copied);
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

    // --- chunks ---

    @Example
    void chunksCoverEveryRowOnceUnderACaseInsensitiveCollationAndOnBinaryKeys() throws Exception {
        source.execute(sourceDb,
                "CREATE TABLE ci (name VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,"
                        + " b VARBINARY(4) NOT NULL, n INT, PRIMARY KEY (name, b))",
                "CREATE TABLE bk (k BINARY(3) NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE lat (k VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,"
                        + " d DECIMAL(6,2) NOT NULL, t DATETIME(3) NOT NULL, n INT, PRIMARY KEY (k, d, t))",
                "CREATE TABLE nokey (v VARCHAR(5), n INT)",
                "CREATE TABLE kinds_ts (k TIMESTAMP(6) NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_time (k TIME(6) NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_float (k FLOAT NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_double (k DOUBLE NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_enum (k ENUM('z', 'a', 'M') NOT NULL, j INT NOT NULL, n INT, PRIMARY KEY (k, j))",
                "CREATE TABLE kinds_bit (k BIT(10) NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_year (k YEAR NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_ubig (k BIGINT UNSIGNED NOT NULL PRIMARY KEY, n INT)",
                "CREATE TABLE kinds_date (k DATE NOT NULL PRIMARY KEY, n INT)");
        String[] names = {"abc", "ABD", "\u00e0be", "\u00c4bf", "z", "Z ", "\u00df", "ss", "\u00e9t\u00e9", "Ete",
                "\u00c9T\u00c9X", "a\u0301b", "\uD83C\uDF89", "", "zz", "Zz\u00e9", "\u00f8", "O", "\u0152", "oe"};
        String[] bins = {"X''", "X'00'", "X'0000'", "X'FF'", "X'00FF'", "X'7F80'", "X'41'", "X'61'"};
        int n = 0;
        List<String> inserts = new ArrayList<>();
        for (String name : names) {
            for (String bin : bins) {
                inserts.add("INSERT IGNORE INTO ci VALUES (" + MatrixTables.unicode(name) + ", " + bin + ", "
                        + n++ + ")");
            }
        }
        for (int i = 0; i < 40; i++) {
            inserts.add("INSERT INTO bk VALUES (X'" + HEX.formatHex(new byte[] {(byte) (i * 37), (byte) (i % 3 * 127),
                    (byte) (255 - i)}) + "', " + i + ")");
            inserts.add("INSERT IGNORE INTO lat VALUES (_latin1 X'" + HEX.formatHex(new byte[] {(byte) (0xC0 + i % 7),
                    (byte) (i % 2 == 0 ? 0x61 : 0x41)}) + "', " + (i % 5 - 2) + ".5" + i % 2 + ", '2020-01-0"
                    + (1 + i % 3) + " 00:00:00." + i % 4 + "', " + i + ")");
            inserts.add("INSERT INTO nokey VALUES ('v" + i % 9 + "', " + i + ")");
            inserts.add("INSERT INTO kinds_ts VALUES (FROM_UNIXTIME(" + (1 + i * 7_777_777L) + "." + i + "), " + i + ")");
            inserts.add("INSERT INTO kinds_time VALUES ('" + (i % 2 == 0 ? "-" : "") + i * 20 + ":00:0" + i % 10
                    + ".00000" + i % 10 + "', " + i + ")");
            inserts.add("INSERT INTO kinds_float VALUES (" + Float.intBitsToFloat(0x3DCCCCCD + i * 1234567) + ", " + i
                    + ")");
            inserts.add("INSERT INTO kinds_double VALUES (" + Double.longBitsToDouble(0x3FB999999999999AL
                    + i * 123456789012L) * (i % 2 == 0 ? -1 : 1) + ", " + i + ")");
            inserts.add("INSERT INTO kinds_enum VALUES (" + (1 + i % 3) + ", " + i + ", " + i + ")");
            inserts.add("INSERT INTO kinds_bit VALUES (b'" + Integer.toBinaryString(i * 25) + "', " + i + ")");
            inserts.add("INSERT INTO kinds_year VALUES (" + (i == 0 ? 0 : 1901 + i * 6) + ", " + i + ")");
            inserts.add("INSERT INTO kinds_ubig VALUES (" + Long.toUnsignedString(-1L - i * 1_000_000_000_000_000L)
                    + ", " + i + ")");
            inserts.add("INSERT INTO kinds_date VALUES ('" + (1000 + i * 37) + "-0" + (1 + i % 9) + "-1" + i % 9
                    + "', " + i + ")");
        }
        source.execute(sourceDb, inserts.toArray(String[]::new));
        try (Snapshot snapshot = snapshots().open(true, WORKERS)) {
            Map<String, SnapshotTable> tables = snapshot.tables().stream()
                    .collect(Collectors.toMap(t -> t.target().table(), t -> t));
            assertThat(tables.get("ci").key()).containsExactly("name", "b");
            assertThat(tables.get("nokey").key()).isEmpty();
            assertThat(tables.get("ci").target()).isEqualTo(new TableName(targetDb, "public", "ci"));
            for (String table : List.of("ci", "bk", "lat", "kinds_ts", "kinds_time", "kinds_float", "kinds_double",
                    "kinds_enum", "kinds_bit", "kinds_year", "kinds_ubig", "kinds_date")) {
                List<String> expected = sourceValues(table, "n");
                for (long rows : new long[] {1, 2, 3, CHUNK_ROWS, 1000}) {
                    SnapshotTable t = tables.get(table);
                    List<List<String>> cuts = snapshot.boundaries(t, rows);
                    List<String> lines = new ArrayList<>();
                    List<Long> counts = new ArrayList<>();
                    for (int c = 0; c <= cuts.size(); c++) {
                        Optional<List<String>> after = c == 0 ? Optional.empty() : Optional.of(cuts.get(c - 1));
                        Optional<List<String>> upTo = c == cuts.size() ? Optional.empty() : Optional.of(cuts.get(c));
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        counts.add(snapshot.reader(c % WORKERS).copy(t, after, upTo, out::write));
                        lines.addAll(lines(out));
                    }
                    int nAt = t.columns().indexOf("n");
                    List<String> copied = lines.stream().map(l -> l.split("\t", -1)[nAt]).toList();
                    assertThat(copied).as("%s in chunks of %d", table, rows).hasSameSizeAs(expected)
                            .containsExactlyInAnyOrderElementsOf(expected);
                    assertThat(copied).as("%s in key order", table).isEqualTo(sourceValues(table, "n", t.key()));
                    assertThat(counts.subList(0, counts.size() - 1)).as("%s chunk sizes", table)
                            .allMatch(count -> count == rows);
                    assertThat(cuts).hasSize((int) ((expected.size() - 1) / rows));
                }
            }
            assertThat(snapshot.boundaries(tables.get("nokey"), 3)).isEmpty();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(snapshot.reader(1).copy(tables.get("nokey"), Optional.empty(), Optional.empty(), out::write))
                    .isEqualTo(40);
        }
    }

    @Example
    void generatedColumnsAreCopiedAsTheBinlogCarriesThem() throws Exception {
        source.execute(sourceDb, "CREATE TABLE gen (id INT PRIMARY KEY, n INT, g INT AS (n * 2) VIRTUAL,"
                + " s INT AS (n * 3) PERSISTENT)");
        Optional<LogicalPosition> before = now();
        source.execute(sourceDb, "INSERT INTO gen (id, n) VALUES (1, 5)");
        RecordingEvents events = new RecordingEvents();
        try (StreamRun run = new StreamRun(new MyLogicalDialect(config()), before, events)) {
            run.awaitCommits(events, 1, WAIT_SECONDS);
        }
        String upsert = events.lines().get(1);
        try (Snapshot snapshot = snapshots().open(true, 1)) {
            SnapshotTable gen = snapshot.tables().get(0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            snapshot.reader(0).copy(gen, Optional.empty(), Optional.empty(), out::write);
            System.out.println("snapshot: binlog " + upsert + ", snapshot " + gen.columns() + " " + lines(out));
            assertThat(upsert).isEqualTo("upsert " + targetDb + ".public.gen [\"1\"] {\"id\":\"1\",\"n\":\"5\","
                    + "\"g\":\"10\",\"s\":\"15\"}");
            assertThat(gen.columns()).containsExactly("id", "n", "g", "s");
            assertThat(lines(out)).containsExactly("1\t5\t10\t15");
        }
    }

    @Example
    void textNoPostgreSqlTextCanHoldFailsTheCopyNamingTableAndColumn() throws Exception {
        source.execute(sourceDb, "CREATE TABLE unreadable (id INT PRIMARY KEY, u VARCHAR(5) CHARACTER SET ucs2)");
        try (Connection conn = source.connect(sourceDb); Statement st = conn.createStatement()) {
            st.execute("SET SESSION sql_mode = ''");
            st.execute("INSERT INTO unreadable VALUES (1, X'0041D800')");
        }
        try (Snapshot snapshot = snapshots().open(true, 1)) {
            SnapshotTable t = snapshot.tables().get(0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> snapshot.reader(0).copy(t, Optional.empty(),
                            Optional.empty(), (b, off, len) -> { }))
                    .hasMessageContaining(sourceDb + ".unreadable").hasMessageContaining("column u")
                    .hasMessageContaining("\\x0041d800");
        }
    }

    // --- consistency ---

    @Example
    void atOrBeforePositionStreamsWhatCommittedBetweenPositionAndSnapshot() throws Exception {
        consistency(false);
    }

    @Example
    void exactMariaDbPositionStreamsOnlyWhatCommittedAfterTheSnapshot() throws Exception {
        consistency(true);
    }

    private void consistency(boolean exact) throws Exception {
        source.execute(sourceDb, "CREATE TABLE c (id INT PRIMARY KEY, v INT)");
        List<String> inserts = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            inserts.add("INSERT INTO c VALUES (" + i + ", 0)");
        }
        source.execute(sourceDb, inserts.toArray(String[]::new));
        Runnable between = () -> {
            try {
                source.execute(sourceDb, "INSERT INTO c VALUES (51, 0)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        String afterBetween;
        MySqlSnapshots snapshots = new MySqlSnapshots(config(), new SourceConnector(config().sourceConn()),
                SourceCharsets.builtIn(), between, exact);
        try (Snapshot snapshot = snapshots.open(true, WORKERS)) {
            afterBetween = source.gtidBinlogPos();
            source.execute(sourceDb, "INSERT INTO c VALUES (52, 0)", "UPDATE c SET v = 1 WHERE id = 1");
            SnapshotTable c = snapshot.tables().get(0);
            List<List<String>> cuts = snapshot.boundaries(c, 10);
            assertThat(cuts).hasSize(5);
            List<String> copied = new ArrayList<>();
            for (int i = 0; i <= cuts.size(); i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                snapshot.reader(i % WORKERS).copy(c, i == 0 ? Optional.empty() : Optional.of(cuts.get(i - 1)),
                        i == cuts.size() ? Optional.empty() : Optional.of(cuts.get(i)), out::write);
                copied.addAll(lines(out));
            }
            assertThat(copied).hasSize(51).contains("1\t0", "51\t0").doesNotContain("52\t0", "1\t1");

            GtidSet position = GtidPositions.parse(snapshot.position().text());
            if (exact) {
                assertThat(snapshot.position().text()).isEqualTo("mariadb:" + afterBetween);
            } else {
                assertThat(position.isBefore(GtidPositions.parse("mariadb:" + afterBetween))).isTrue();
            }
            RecordingEvents events = new RecordingEvents();
            try (StreamRun run = new StreamRun(new MyLogicalDialect(config()), Optional.of(snapshot.position()),
                    events)) {
                run.awaitCommits(events, exact ? 2 : 3, WAIT_SECONDS);
            }
            String first = events.lines().get(1);
            String table = targetDb + ".public.c";
            assertThat(first).isEqualTo("upsert " + table + (exact ? " [\"52\"] {\"id\":\"52\",\"v\":\"0\"}"
                    : " [\"51\"] {\"id\":\"51\",\"v\":\"0\"}"));
        }
    }

    // --- fixture ---

    private MyLogicalConfig config() {
        return new MyLogicalConfig(MySqlConn.parse(source.sourceConn()), Optional.empty(), targetDb, "public",
                Set.of(sourceDb), SERVER_IDS.incrementAndGet());
    }

    private MySqlSnapshots snapshots() {
        return (MySqlSnapshots) new MyLogicalDialect(config()).snapshots().orElseThrow();
    }

    private static Optional<LogicalPosition> now() throws SQLException {
        return Optional.of(GtidPositions.position(GtidPositions.parse("mariadb:" + source.gtidBinlogPos()),
                java.time.Instant.EPOCH));
    }

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

    private MatrixWriter writer() throws SQLException {
        return new MatrixWriter(source.connect(sourceDb));
    }

    private static MatrixWriter.Values edges(Table table) {
        return (row, column) -> {
            List<String> edges = table.columns().get(column).edges();
            return edges.get((row + column) % edges.size());
        };
    }

    /**
     * Copies every table through one snapshot in chunks of {@link #CHUNK_ROWS} rows, alternating the two readers,
     * into the target with COPY; returns the copied values by table and id.
     */
    private Map<String, Map<String, List<String>>> load(List<Table> tables) throws Exception {
        Map<String, Map<String, List<String>>> copied = new HashMap<>();
        try (Snapshot snapshot = snapshots().open(true, WORKERS);
             Connection pg = target.dataSource(targetDb).getConnection()) {
            CopyManager copy = new CopyManager(pg.unwrap(BaseConnection.class));
            Map<String, SnapshotTable> byName = snapshot.tables().stream()
                    .collect(Collectors.toMap(t -> t.target().table(), t -> t));
            assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(
                    tables.stream().map(Table::name).toList());
            for (Table table : tables) {
                SnapshotTable t = byName.get(table.name());
                assertThat(t.columns()).containsExactlyElementsOf(table.all().stream().map(Column::name).toList());
                assertThat(t.key()).containsExactlyElementsOf(table.key().stream().map(Column::name).toList());
                List<List<String>> cuts = snapshot.boundaries(t, CHUNK_ROWS);
                long expected = sourceCount(table.name());
                assertThat(cuts).as("chunks of %s", table.name()).hasSize((int) Math.max(0, (expected - 1) / CHUNK_ROWS));
                String sql = "COPY \"" + table.name() + "\" (" + t.columns().stream().map(c -> "\"" + c + "\"")
                        .collect(Collectors.joining(", ")) + ") FROM STDIN";
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                long rows = 0;
                for (int c = 0; c <= cuts.size(); c++) {
                    SnapshotReader reader = snapshot.reader(c % WORKERS);
                    CopyIn in = copy.copyIn(sql);
                    try {
                        rows += reader.copy(t, c == 0 ? Optional.empty() : Optional.of(cuts.get(c - 1)),
                                c == cuts.size() ? Optional.empty() : Optional.of(cuts.get(c)), (b, off, len) -> {
                                    in.writeToCopy(b, off, len);
                                    all.write(b, off, len);
                                });
                        in.endCopy();
                    } finally {
                        if (in.isActive()) {
                            in.cancelCopy();
                        }
                    }
                }
                assertThat(rows).as("rows of %s", table.name()).isEqualTo(expected);
                int id = t.columns().indexOf("id");
                Map<String, List<String>> values = new HashMap<>();
                for (String line : lines(all)) {
                    List<String> cells = cells(line);
                    values.put(cells.get(id), cells);
                }
                copied.put(table.name(), values);
            }
        }
        return copied;
    }

    /** COPY text lines of {@code out}, each as it is (escapes kept). */
    private static List<String> lines(ByteArrayOutputStream out) {
        String text = out.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        assertThat(text).endsWith("\n");
        return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    /** The values of a COPY text line, unescaped; null for {@code \N}. */
    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        for (String cell : line.split("\t", -1)) {
            if (cell.equals("\\N")) {
                out.add(null);
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cell.length(); i++) {
                char ch = cell.charAt(i);
                if (ch != '\\') {
                    sb.append(ch);
                    continue;
                }
                char next = cell.charAt(++i);
                sb.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case '\\' -> '\\';
                    default -> throw new AssertionError("unexpected escape \\" + next + " in " + line);
                });
            }
            out.add(sb.toString());
        }
        return out;
    }

    private long sourceCount(String table) throws SQLException {
        try (Connection conn = source.connect(sourceDb); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> sourceValues(String table, String column) throws SQLException {
        return sourceValues(table, column, List.of());
    }

    /** A column's values as text, in the order of {@code orderBy} (unordered when empty). */
    private List<String> sourceValues(String table, String column, List<String> orderBy) throws SQLException {
        String sql = "SELECT `" + column + "` FROM `" + table + "`" + (orderBy.isEmpty() ? ""
                : " ORDER BY " + orderBy.stream().map(c -> "`" + c + "`").collect(Collectors.joining(", ")));
        List<String> out = new ArrayList<>();
        try (Connection conn = source.connect(sourceDb); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Compares every row of every table on both sides, failing with every differing cell. */
    private void assertSame(List<Table> tables) throws SQLException {
        List<String> differences = new ArrayList<>();
        int cells = 0;
        try (Connection s = source.connect(sourceDb); Connection t = target.dataSource(targetDb).getConnection();
             Statement ss = s.createStatement(); Statement ts = t.createStatement()) {
            ss.execute("SET time_zone = '+00:00'");
            ts.execute("SET TimeZone = 'UTC'");
            for (Table table : tables) {
                MatrixComparison.Result result = MatrixComparison.compare(s, t, table);
                differences.addAll(result.differences());
                cells += result.cells();
            }
        }
        System.out.println("snapshot: compared " + cells + " cells of " + tables.size() + " tables");
        if (!differences.isEmpty()) {
            throw new AssertionError(differences.size() + " cells differ between source and target:\n"
                    + String.join("\n", differences));
        }
    }

    /**
     * Streams the binlog from {@code from} until a marker transaction and compares the last row image of every id
     * with the snapshot's text of it, cell by cell: the two paths must write the same text.
     */
    private void assertSameAsBinlog(Optional<LogicalPosition> from, List<Table> tables,
                                    Map<String, Map<String, List<String>>> copied) throws Exception {
        source.execute(sourceDb, "CREATE TABLE marker (id INT PRIMARY KEY)", "INSERT INTO marker VALUES (1)");
        FinalRows rows = new FinalRows();
        MyLogicalDialect dialect = new MyLogicalDialect(config());
        Thread thread = new Thread(() -> {
            try {
                dialect.stream(from, rows);
            } catch (Exception e) {
                rows.failure = e;
            }
        }, "snapshot-test-stream");
        thread.start();
        try {
            long deadline = System.nanoTime() + WAIT_SECONDS * 1_000_000_000L;
            while (!rows.tables.containsKey("marker")) {
                assertThat(rows.failure).as("stream failure").isNull();
                assertThat(System.nanoTime()).as("marker within %d s", WAIT_SECONDS).isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            thread.interrupt();
            thread.join(10_000);
        }
        List<String> differences = new ArrayList<>();
        int cells = 0;
        for (Table table : tables) {
            Map<String, List<String>> binlog = rows.tables.getOrDefault(table.name(), Map.of());
            Map<String, List<String>> snapshot = copied.get(table.name());
            TreeSet<String> ids = new TreeSet<>(binlog.keySet());
            ids.addAll(snapshot.keySet());
            List<String> names = table.all().stream().map(Column::name).toList();
            for (String id : ids) {
                List<String> b = binlog.get(id);
                List<String> s = snapshot.get(id);
                if (b == null || s == null) {
                    differences.add(table.name() + " id " + id + ": only in the " + (b == null ? "snapshot" : "binlog"));
                    continue;
                }
                for (int i = 0; i < names.size(); i++) {
                    cells++;
                    if (!java.util.Objects.equals(b.get(i), s.get(i))) {
                        differences.add(table.name() + " id " + id + " column " + names.get(i) + ": binlog "
                                + b.get(i) + ", snapshot " + s.get(i));
                    }
                }
            }
        }
        System.out.println("snapshot: " + cells + " cells written alike by the snapshot and the binlog path");
        assertThat(differences).as("cells the snapshot writes unlike the binlog path").isEmpty();
    }

    /** The last row image of every row the stream reports, by table and {@code id}. */
    private static final class FinalRows implements LogicalEvents {
        final Map<String, Map<String, List<String>>> tables = new java.util.concurrent.ConcurrentHashMap<>();
        volatile Exception failure;
        private volatile LogicalPosition last;

        @Override
        public void begin() {
        }

        @Override
        public void upsert(TableName table, SourceRow row) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < row.shape().size(); i++) {
                values.add(row.value(i));
            }
            tables.computeIfAbsent(table.table(), k -> new java.util.concurrent.ConcurrentHashMap<>())
                    .put(row.value(row.shape().position("id")), values);
        }

        @Override
        public void move(TableName table, SourceRow oldKey, SourceRow row) {
            upsert(table, row);
        }

        @Override
        public void delete(TableName table, SourceRow key) {
            // Deleted rows are recognised by their id, which the key image of the keyed table lacks: drop every row
            // of the same key instead.
            Map<String, List<String>> rows = tables.get(table.table());
            if (rows == null) {
                return;
            }
            rows.values().removeIf(values -> sameKey(key, values));
        }

        private static boolean sameKey(SourceRow key, List<String> values) {
            for (int i = 0; i < key.shape().keySize(); i++) {
                if (!key.keyValue(i).equals(values.get(key.shape().keyPosition(i)))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void truncate(TableName table) {
            tables.remove(table.table());
        }

        @Override
        public void commit(LogicalPosition position) {
            last = position;
        }

        @Override
        public void rollback() {
        }

        @Override
        public Optional<LogicalPosition> durable() {
            return Optional.ofNullable(last);
        }

        @Override
        public boolean caughtUp() {
            return true;
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
