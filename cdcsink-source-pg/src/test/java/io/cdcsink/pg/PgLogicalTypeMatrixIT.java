package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.pg.PgReplication.Mode;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PostgreSQL type matrix through {@code pglogical}, in every apply mode: each case writes on the source, waits
 * until the loop has applied it, and compares every cell of source and target through the column type's output
 * function. Rows written in one transaction of {@value #BATCH} new keys take the COPY path; single rows and updates
 * the upsert path.
 */
class PgLogicalTypeMatrixIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();
    private static final int BATCH = 60;
    private static final List<String> VALUE_COLUMNS = PgTypes.COLUMNS.stream().map(PgTypes.Column::name).toList();

    private static List<String> typesDdl() {
        List<String> ddl = new ArrayList<>(PgTypes.TYPES_DDL);
        ddl.add("CREATE TABLE types (k int PRIMARY KEY, " + PgTypes.definitions() + ")");
        ddl.add("CREATE TABLE keyed (kt text, ki bigint, ku uuid, kts timestamptz, kn numeric, kd date, v text,"
                + " PRIMARY KEY (kt, ki, ku, kts, kn, kd))");
        return ddl;
    }

    /** Inserts rows {@code keys} with the matrix's values for row {@code key + shift}, in one transaction. */
    private static void insertTypes(PgReplication r, List<Integer> keys, int shift) throws SQLException {
        String sql = "INSERT INTO types (k, " + String.join(", ", VALUE_COLUMNS) + ") VALUES (?"
                + ", ?".repeat(VALUE_COLUMNS.size()) + ")";
        try (Connection c = r.source(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (int k : keys) {
                ps.setInt(1, k);
                for (int i = 0; i < PgTypes.COLUMNS.size(); i++) {
                    // Untyped parameters: the server reads each with its column's input function.
                    ps.setObject(i + 2, PgTypes.value(PgTypes.COLUMNS.get(i), k + shift), Types.OTHER);
                }
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    /** Sets every value column of the rows to the matrix's values of row {@code key + shift}, one statement each. */
    private static void updateTypes(PgReplication r, List<Integer> keys, int shift) throws SQLException {
        String sql = "UPDATE types SET " + VALUE_COLUMNS.stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
                + " WHERE k = ?";
        try (Connection c = r.source(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (int k : keys) {
                for (int i = 0; i < PgTypes.COLUMNS.size(); i++) {
                    ps.setObject(i + 1, PgTypes.value(PgTypes.COLUMNS.get(i), k + shift), Types.OTHER);
                }
                ps.setInt(VALUE_COLUMNS.size() + 1, k);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    private static void assertTypesEqual(PgReplication r, String after) throws Exception {
        r.awaitApplied();
        List<String> diff = new ArrayList<>(r.differences("types", List.of("k"), VALUE_COLUMNS));
        diff.addAll(r.differences("keyed", List.of("kt", "ki", "ku", "kts", "kn", "kd"), List.of("v")));
        assertThat(diff).as("cells that differ after " + after).isEmpty();
        assertThat(r.count(r.target, "types")).as("rows after " + after).isEqualTo(r.count(r.source, "types"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyTypeArrivesExactly(Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, typesDdl().toArray(String[]::new))) {
            // A backlog: one transaction of new keys, which the loop copies.
            insertTypes(r, IntStream.range(0, BATCH).boxed().toList(), 0);
            r.inSource("INSERT INTO keyed VALUES ('tab\tand \\N', -9223372036854775808,"
                            + " '00000000-0000-0000-0000-000000000000', '-infinity', 'NaN', '4713-01-01 BC', 'a')",
                    "INSERT INTO keyed VALUES ('', 9223372036854775807, 'ffffffff-ffff-ffff-ffff-ffffffffffff',"
                            + " '2024-01-01 00:00:00.000001+00', '1.50', 'infinity', 'b')",
                    "INSERT INTO keyed VALUES ('\u00e9\ud83d\ude00', 0, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                            + " 'infinity', '-0.000001', '2000-02-29', 'c')");
            r.start();
            assertTypesEqual(r, "a copied batch");

            for (int k = 100; k < 100 + PgTypes.rowsForEveryValue(); k++) {
                insertTypes(r, List.of(k), 0);
            }
            assertTypesEqual(r, "single-row inserts");

            updateTypes(r, IntStream.range(0, BATCH).boxed().toList(), 7);
            assertTypesEqual(r, "every column of every row updated");

            r.inSource("UPDATE types SET txt = 'changed', jb = '{\"changed\": true}', i4a = '{9}' WHERE k % 3 = 0");
            assertTypesEqual(r, "a few columns updated");

            insertTypes(r, List.of(200), 0);
            updateTypes(r, List.of(201), 0);
            r.inSource("INSERT INTO types (k, txt) VALUES (201, 'one')", "UPDATE types SET txt = 'two' WHERE k = 201",
                    "UPDATE types SET f8 = '-0', js = '{\"a\":1,  \"a\":2}' WHERE k = 201",
                    "UPDATE types SET txt = NULL WHERE k = 200");
            for (int i = 0; i < 3; i++) {
                r.inSource("UPDATE types SET i8 = i8 + 1, num = " + i + " WHERE k = 100");
            }
            assertTypesEqual(r, "several changes of one key in one and in consecutive transactions");

            r.inSource("UPDATE types SET k = k + 1000 WHERE k < 5",
                    "UPDATE keyed SET kn = kn + 1, kts = '2024-06-01 00:00:00+00' WHERE ki = 0",
                    "UPDATE keyed SET kt = kt || ' moved' WHERE ki < 0");
            assertTypesEqual(r, "key changes");

            r.inSource("DELETE FROM types WHERE k % 4 = 1", "DELETE FROM keyed WHERE v = 'b'");
            assertTypesEqual(r, "deletes");
        }
    }

    /** json texts PostgreSQL keeps exactly, and jsonb values of every kind. */
    private static final List<String> JSON_TEXTS = List.of("{\"x\": 1}", "[1, 2]", "null", "\"a string\"",
            "{\"b\":1,\"a\":2,\"b\":3}", "  { \"k\" :\t[ ] }  ", "{\"esc\":\"\\u00e9\\n\\\"\\\\\"}", "12.500", "true",
            "{\"deep\": {\"er\": [[[{\"est\": -1.0e-5}]]]}}");

    @ParameterizedTest
    @EnumSource(Mode.class)
    void jsonAndJsonbKeepTheirValues(Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, "CREATE TABLE docs (k int PRIMARY KEY, j json, jb jsonb)")
                .start()) {
            String insert = "INSERT INTO docs VALUES (?, ?::json, ?::jsonb)";
            try (Connection c = r.source(); PreparedStatement ps = c.prepareStatement(insert)) {
                c.setAutoCommit(false);
                for (int k = 0; k < BATCH; k++) {
                    String text = JSON_TEXTS.get(k % JSON_TEXTS.size());
                    ps.setInt(1, k);
                    ps.setString(2, text);
                    ps.setString(3, text);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
            for (int k = 0; k < JSON_TEXTS.size(); k++) {
                r.inSource("INSERT INTO docs VALUES (" + (1000 + k) + ", $j$" + JSON_TEXTS.get(k) + "$j$, $j$"
                        + JSON_TEXTS.get(k) + "$j$)");
            }
            r.awaitApplied();
            assertThat(r.differences("docs", List.of("k"), List.of("j", "jb"))).isEmpty();
            // The json column's text is the source's to the byte; jsonb equal as values.
            assertThat(r.count(r.target, "docs")).isEqualTo(BATCH + JSON_TEXTS.size());
        }
    }

    // --- Unchanged TOAST values: PostgreSQL does not send a large value an update left alone. ---

    private static final String TOAST_DDL = "CREATE TABLE toast (k int PRIMARY KEY, big text, bin bytea, arr int[],"
            + " v int)";
    private static final String TOAST_FULL_DDL = "CREATE TABLE toast_full (k int PRIMARY KEY, big text, v int)";

    private static String[] toastDdl() {
        return new String[] {TOAST_DDL, "ALTER TABLE toast ALTER big SET STORAGE EXTERNAL",
                "ALTER TABLE toast ALTER bin SET STORAGE EXTERNAL", "ALTER TABLE toast ALTER arr SET STORAGE EXTERNAL",
                TOAST_FULL_DDL, "ALTER TABLE toast_full REPLICA IDENTITY FULL",
                "ALTER TABLE toast_full ALTER big SET STORAGE EXTERNAL"};
    }

    /** An insert of a row whose big values are stored out of line (64 KB of text, 10 KB of bytes, 3,000 ints). */
    private static String insertBig(String table, int k) {
        Random random = new Random(k);
        StringBuilder big = new StringBuilder(65536);
        for (int i = 0; i < 65536; i++) {
            big.append((char) ('a' + random.nextInt(26)));
        }
        if (table.equals("toast_full")) {
            return "INSERT INTO toast_full VALUES (" + k + ", '" + big + "', 0)";
        }
        byte[] bytes = new byte[10240];
        random.nextBytes(bytes);
        String arr = IntStream.range(0, 3000).mapToObj(i -> Integer.toString(random.nextInt()))
                .collect(Collectors.joining(",", "{", "}"));
        return "INSERT INTO toast VALUES (" + k + ", '" + big + "', '\\x" + HexFormat.of().formatHex(bytes) + "', '"
                + arr + "', 0)";
    }

    private static void assertToastEqual(PgReplication r, String after) throws Exception {
        r.awaitApplied();
        List<String> diff = new ArrayList<>(r.differences("toast", List.of("k"), List.of("big", "bin", "arr", "v")));
        diff.addAll(r.differences("toast_full", List.of("k"), List.of("big", "v")));
        assertThat(diff).as("cells that differ after " + after).isEmpty();
        assertThat(r.count(r.target, "toast")).isEqualTo(r.count(r.source, "toast"));
        assertThat(r.count(r.target, "toast_full")).isEqualTo(r.count(r.source, "toast_full"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unchangedToastSurvivesAnInsertAndAnUpdateInOneTransaction(Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, toastDdl()).start()) {
            r.inSource(insertBig("toast", 1), "UPDATE toast SET v = 1 WHERE k = 1",
                    insertBig("toast_full", 1), "UPDATE toast_full SET v = 1 WHERE k = 1");
            assertToastEqual(r, "an insert and an update in one transaction");
            // An update in a later, separately applied transaction.
            r.inSource("UPDATE toast SET v = 2 WHERE k = 1", "UPDATE toast_full SET v = 2 WHERE k = 1");
            assertToastEqual(r, "a later update");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unchangedToastSurvivesBackToBackTransactionsAppliedTogether(Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, toastDdl())) {
            // Written before the loop starts, so that it reads them as one backlog and applies them together.
            for (int k = 1; k <= 3; k++) {
                r.inSource(insertBig("toast", k));
                r.inSource("UPDATE toast SET v = " + k + " WHERE k = " + k);
                r.inSource("UPDATE toast SET v = v + 10 WHERE k = " + k);
            }
            r.start();
            assertToastEqual(r, "inserts and updates in back-to-back transactions");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unchangedToastSurvivesAKeyChange(Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, toastDdl())) {
            // In the backlog: an insert and a key change in one transaction, and a chain of key changes.
            r.inSource(insertBig("toast", 20), "UPDATE toast SET k = 21 WHERE k = 20");
            r.inSource(insertBig("toast", 30));
            r.inSource("UPDATE toast SET k = 31, v = 1 WHERE k = 30");
            r.inSource("UPDATE toast SET k = 32 WHERE k = 31");
            r.start();
            assertToastEqual(r, "key changes applied with their row");

            // A row the target already holds.
            r.inSource(insertBig("toast", 2), insertBig("toast_full", 2));
            assertToastEqual(r, "inserts");
            r.inSource("UPDATE toast SET k = 3 WHERE k = 2", "UPDATE toast_full SET k = 3 WHERE k = 2");
            assertToastEqual(r, "a key change of a row applied earlier");
            // The old key reused at once: the moved row must take its values from the old row, not the new one.
            r.inSource("UPDATE toast SET k = 4 WHERE k = 3", "INSERT INTO toast (k, big, v) VALUES (3, 'new', 5)");
            assertToastEqual(r, "a key change and the old key reused");
            r.inSource("UPDATE toast SET k = 5, v = 9 WHERE k = 4", "UPDATE toast_full SET k = 4 WHERE k = 3");
            r.inSource("UPDATE toast SET k = 6 WHERE k = 5");
            assertToastEqual(r, "key changes in consecutive transactions");
            r.inSource("DELETE FROM toast WHERE k = 6", "DELETE FROM toast_full");
            assertToastEqual(r, "deletes");
        }
    }
}
