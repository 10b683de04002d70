package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.JsonText;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.RowChange;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rows in {@link ValueFormat#TEXT}, as the logical sources send them: every value is the text its column's input
 * function reads, on the upsert path (few rows) and the COPY path ({@link CopyInsert#MIN_ROWS} rows or more).
 */
class TextValuesIT {
    /** json texts PostgreSQL keeps exactly: whitespace, key order, duplicate keys, escapes, scalars. */
    private static final List<String> JSON_TEXTS = List.of(
            "{\"x\": 1}", "[1, 2]", "null", "\"a string\"", "{\"b\":1,\"a\":2,\"b\":3}", "  { \"k\" :\t[ ] }  ",
            "{\"esc\":\"\\u00e9\\n\\\"\"}", "12.500", "-0", "1e400", "true");

    private ApplyFixture fx;

    @BeforeEach
    void setUp() throws SQLException {
        fx = new ApplyFixture("text");
        fx.exec("CREATE DOMAIN doc AS jsonb", "CREATE TYPE pair AS (a int, b text)",
                "CREATE TABLE docs (k int PRIMARY KEY, j json, jb jsonb, d doc, ja json[], p pair, big text)");
    }

    private static String row(int k, String json) {
        String quoted = JsonText.appendString(new StringBuilder(), json).toString();
        return "{\"k\":\"" + k + "\",\"j\":" + quoted + ",\"jb\":" + quoted + ",\"d\":" + quoted
                + ",\"ja\":\"{\\\"[1]\\\",NULL}\",\"p\":\"(1,\\\"x y\\\")\"}";
    }

    private List<Mutation> rows(int from, int count) {
        List<Mutation> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int k = from + i;
            out.add(Mutation.upsert(at(1), "[\"" + k + "\"]", row(k, JSON_TEXTS.get(k % JSON_TEXTS.size()))));
        }
        return out;
    }

    private void assertExact(int from, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            int k = from + i;
            String text = JSON_TEXTS.get(k % JSON_TEXTS.size());
            List<List<String>> got = fx.rows("SELECT j::text, jb = ?::jsonb, d = ?::jsonb, ja::text, p::text "
                    + "FROM docs WHERE k = ?", text, text, k);
            assertThat(got).as("key %d", k).containsExactly(List.of(text, "t", "t", "{[1],NULL}", "(1,\"x y\")"));
        }
    }

    @Test
    void jsonColumnsKeepTheSourceTextOnTheUpsertPath() throws SQLException {
        fx.apply(fx.table("docs"), rows(0, JSON_TEXTS.size()), ValueFormat.TEXT);
        assertExact(0, JSON_TEXTS.size());
    }

    @Test
    void jsonColumnsKeepTheSourceTextOnTheCopyPath() throws SQLException {
        fx.apply(fx.table("docs"), rows(0, CopyInsert.MIN_ROWS * 2), ValueFormat.TEXT);
        assertExact(0, CopyInsert.MIN_ROWS * 2);
        assertThat(copied()).isEqualTo(CopyInsert.MIN_ROWS * 2);
    }

    private double copied() {
        Double v = fx.registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("apply_copied"))
                .flatMap(m -> m.getDataPoints().stream())
                .map(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d)
                        .getValue())
                .reduce(0.0, Double::sum);
        return v;
    }

    @Test
    void aJsonbKeyIsMatchedByItsTextOnDelete() throws SQLException {
        fx.exec("CREATE TABLE by_doc (k jsonb PRIMARY KEY, v text)",
                "INSERT INTO by_doc VALUES ('{\"a\": [1, 2]}', 'x'), ('\"s\"', 'y')");
        TableName table = fx.table("by_doc");
        fx.apply(table, List.of(Mutation.delete(at(1), "[\"{\\\"a\\\":[1,2]}\"]"),
                Mutation.delete(at(1), "[\"\\\"s\\\"\"]")), ValueFormat.TEXT);
        assertThat(fx.count("by_doc")).isZero();
    }

    @Test
    void aMovedRowTakesWhatItLeavesOutFromItsOldRow() throws SQLException {
        String big = "x".repeat(70_000);
        fx.exec("INSERT INTO docs (k, j, big) VALUES (2, '{\"keep\": true}', '" + big + "'), (5, null, 'five')");
        TableName table = fx.table("docs");
        RowShape shape = new RowShape(List.of("k", "j", "jb", "big"), List.of(0));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            fx.applier.applyChanges(c, table, List.of(
                    RowChange.move(at(1), SourceRows.row(shape, "2", null, null, null),
                            SourceRows.row(shape, "3", SourceRows.ABSENT, "[3]", SourceRows.ABSENT)),
                    // The old key of this one is not in the target: the row is written as it is.
                    RowChange.move(at(1), SourceRows.row(shape, "9", null, null, null),
                            SourceRows.row(shape, "10", SourceRows.ABSENT, SourceRows.ABSENT, "ten"))));
            c.commit();
        }
        assertThat(fx.rows("SELECT k, j::text, jb::text, length(big) FROM docs ORDER BY k")).containsExactly(
                Arrays.asList("3", "{\"keep\": true}", "[3]", "70000"),
                Arrays.asList("5", null, null, "4"),
                Arrays.asList("10", null, null, "3"));
    }
}
