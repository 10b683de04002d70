package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.PreparedBatch;
import io.cdcsink.api.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonApplierIT {
    private ApplyFixture fx;
    private TableName t;

    @BeforeEach
    void setUp() throws SQLException {
        fx = new ApplyFixture("apply");
        fx.exec("CREATE TABLE t (pk0 INT, pk1 TEXT, v TEXT, PRIMARY KEY (pk0, pk1))");
        t = fx.table("t");
    }

    @Test
    void smokeUpsertsThenDeletes() throws SQLException {
        List<Mutation> upserts = new ArrayList<>();
        List<Mutation> deletes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            upserts.add(Mutation.upsert(at(1), "[" + i + ",\"" + i + "\"]",
                    "{\"pk0\":" + i + ",\"pk1\":\"" + i + "\",\"v\":\"value " + i + "\"}"));
            deletes.add(Mutation.delete(at(2), "[" + i + ",\"" + i + "\"]"));
        }
        assertThat(fx.apply(t, upserts)).isEqualTo(new ApplyResult(300, 0));
        assertThat(fx.count("t")).isEqualTo(300);
        assertThat(fx.rows("SELECT v FROM t WHERE pk0 = 17")).containsExactly(List.of("value 17"));

        assertThat(fx.apply(t, deletes)).isEqualTo(new ApplyResult(0, 300));
        assertThat(fx.count("t")).isZero();
        assertThat(counter("apply_upserts_total")).isEqualTo(300);
        assertThat(counter("apply_copied_total")).as("300 new rows: one COPY").isEqualTo(300);
        assertThat(counter("apply_deletes_total")).isEqualTo(300);
        assertThat(fx.apply(t, upserts.subList(0, 100))).isEqualTo(new ApplyResult(100, 0));
        assertThat(fx.apply(t, upserts.subList(0, 100))).as("existing keys").isEqualTo(new ApplyResult(100, 0));
        assertThat(fx.count("t")).isEqualTo(100);
        assertThat(counter("apply_upserts_total")).isEqualTo(500);
        assertThat(counter("apply_copied_total")).as("the existing keys were upserted").isEqualTo(400);
    }

    @Test
    void batchesLargerThanOneStatementAreChunked() throws SQLException {
        List<Mutation> upserts = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            upserts.add(Mutation.upsert(at(1), "[" + i + ",\"k\"]", "{\"pk0\":" + i + ",\"pk1\":\"k\",\"v\":\"x\"}"));
        }
        assertThat(fx.apply(t, upserts).upserts()).isEqualTo(2500);
        assertThat(fx.count("t")).isEqualTo(2500);
    }

    @Test
    void unknownColumnsAreNamedWithTheDdlThatAddsThem() {
        Mutation m = Mutation.upsert(at(5), "[1,\"0\"]", "{\"pk0\":1,\"pk1\":\"0\",\"no_good\":true,\"also\":1}");
        assertThatThrownBy(() -> fx.apply(t, List.of(m)))
                .isInstanceOf(BlockedException.class)
                .hasMessageContaining("table " + t + ": the changefeed's rows have columns no_good, also that the"
                        + " target lacks")
                .hasMessageContaining("ALTER TABLE \"public\".\"t\" ADD COLUMN \"no_good\" BOOL, ADD COLUMN \"also\" INT8");
        assertThat(counter("apply_errors_total")).isEqualTo(1);
    }

    @Test
    void missingPrimaryKeyColumnIsNamed() {
        Mutation m = Mutation.upsert(at(1), "[1,\"0\"]", "{\"pk0\":1,\"v\":\"x\"}");
        assertThatThrownBy(() -> fx.apply(t, List.of(m)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(t.toString())
                .hasMessageContaining("missing primary key column pk1");
    }

    @Test
    void nullPrimaryKeyValuesAreRefusedBeforeAnythingIsStaged() {
        // Validation runs before staging: such a row could never be applied and would stop the resolver.
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[null,\"0\"]",
                "{\"pk0\":null,\"pk1\":\"0\"}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("primary key values cannot be null");
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[1,\"0\"]",
                "{\"pk0\":null,\"pk1\":\"0\"}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("primary key column pk0 is null");
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.delete(at(1), "[1,null]"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("primary key values cannot be null");
    }

    @Test
    void deleteKeyWithWrongArityIsRejected() {
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.delete(at(1), "[1]"))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("key [1] has 1 values but table " + t + " has 2 primary key columns");
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.delete(at(1), "[1,\"a\",3]"))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("has 3 values but table " + t + " has 2 primary key columns");
    }

    @Test
    void greatestTimeWinsAndEqualTimesLaterInListWins() throws SQLException {
        fx.apply(t, List.of(
                Mutation.upsert(at(20), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"newest\"}"),
                Mutation.upsert(at(10), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"older, later in list\"}"),
                Mutation.upsert(at(5), "[2,\"b\"]", "{\"pk0\":2,\"pk1\":\"b\",\"v\":\"first\"}"),
                Mutation.upsert(at(5), "[ 2, \"b\" ]", "{\"pk0\":2,\"pk1\":\"b\",\"v\":\"second\"}"),
                Mutation.upsert(at(7), "[3,\"c\"]", "{\"pk0\":3,\"pk1\":\"c\",\"v\":\"x\"}"),
                Mutation.delete(at(8), "[3,\"c\"]")));
        assertThat(fx.rows("SELECT pk0, v FROM t ORDER BY pk0"))
                .containsExactly(List.of("1", "newest"), List.of("2", "second"));
    }

    @Test
    void absentPropertiesKeepValuesOnUpdateAndTakeDefaultsOnInsert() throws SQLException {
        fx.exec("CREATE TABLE s (id INT PRIMARY KEY, a TEXT DEFAULT 'dflt', b INT DEFAULT 42, c TEXT)");
        TableName s = fx.table("s");
        fx.apply(s, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"a\":\"one\",\"b\":1,\"c\":\"c1\"}")));
        fx.apply(s, List.of(
                Mutation.upsert(at(2), "[1]", "{\"id\":1,\"b\":2}"),
                Mutation.upsert(at(2), "[2]", "{\"id\":2,\"c\":\"c2\"}"),
                Mutation.upsert(at(2), "[3]", "{\"id\":3}")));
        assertThat(fx.rows("SELECT id, a, b, c FROM s ORDER BY id")).containsExactly(
                List.of("1", "one", "2", "c1"),
                Arrays.asList("2", "dflt", "42", "c2"),
                Arrays.asList("3", "dflt", "42", null));
    }

    @Test
    void explicitNullWritesNull() throws SQLException {
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"x\"}")));
        fx.apply(t, List.of(Mutation.upsert(at(2), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":null}")));
        assertThat(fx.rows("SELECT v FROM t")).containsExactly(Arrays.asList((String) null));
    }

    @Test
    void generatedColumnInPayloadIsAcceptedAndNotWritten() throws SQLException {
        fx.exec("CREATE TABLE g (id INT PRIMARY KEY, a INT, doubled INT GENERATED ALWAYS AS (a * 2) STORED)");
        TableName g = fx.table("g");
        fx.apply(g, List.of(
                Mutation.upsert(at(1), "[1]", "{\"id\":1,\"a\":1,\"doubled\":\"not even a number\"}"),
                Mutation.upsert(at(2), "[1]", "{\"id\":1,\"a\":2,\"doubled\":999}")));
        assertThat(fx.rows("SELECT id, a, doubled FROM g")).containsExactly(List.of("1", "2", "4"));
        // An unknown property next to a generated one still fails.
        assertThatThrownBy(() -> fx.apply(g, List.of(
                Mutation.upsert(at(3), "[1]", "{\"id\":1,\"a\":2,\"doubled\":4,\"nope\":1}"))))
                .isInstanceOf(BlockedException.class).hasMessageContaining("rows have column nope that");
    }

    @Test
    void identityAlwaysColumnsTakeTheSourceValue() throws SQLException {
        fx.exec("CREATE TABLE i (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v TEXT)");
        TableName i = fx.table("i");
        fx.apply(i, List.of(Mutation.upsert(at(1), "[77]", "{\"id\":77,\"v\":\"a\"}")));
        fx.apply(i, List.of(Mutation.upsert(at(2), "[77]", "{\"id\":77,\"v\":\"b\"}")));
        assertThat(fx.rows("SELECT id, v FROM i")).containsExactly(List.of("77", "b"));
    }

    @Test
    void tableCreatedAfterTheCatalogWasUsedIsAppliedAtOnce() throws SQLException {
        TableName later = fx.table("later");
        assertThat(fx.catalog.table(later)).isEmpty();
        assertThatThrownBy(() -> fx.validate(later, List.of(Mutation.delete(at(1), "[1]"))))
                .isInstanceOf(BlockedException.class)
                .hasMessageStartingWith("table " + later + " does not exist on the target");

        fx.exec("CREATE TABLE later (id INT PRIMARY KEY, v TEXT)");
        fx.apply(later, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"v\":\"here\"}")));
        assertThat(fx.rows("SELECT v FROM later")).containsExactly(List.of("here"));
    }

    @Test
    void addedColumnIsPickedUpAtOnce() throws SQLException {
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"x\"}")));
        fx.exec("ALTER TABLE t ADD COLUMN extra INT");
        fx.apply(t, List.of(Mutation.upsert(at(2), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"extra\":5}")));
        assertThat(fx.rows("SELECT v, extra FROM t")).containsExactly(List.of("x", "5"));
    }

    @Test
    void droppedColumnFailsRetryablyThenAsBlocked() throws SQLException {
        Mutation m = Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"x\"}");
        fx.apply(t, List.of(m));
        fx.exec("ALTER TABLE t DROP COLUMN v");
        // The cached description still has v: the target's complaint is not the input's fault, so it stays an
        // SQLException for the caller to retry, and the retry sees the refreshed description.
        assertThatThrownBy(() -> fx.apply(t, List.of(m))).isInstanceOf(SQLException.class)
                .isNotInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> fx.apply(t, List.of(m))).isInstanceOf(BlockedException.class)
                .hasMessageContaining("ADD COLUMN \"v\" TEXT");
    }

    @Test
    void exponentNumbersReachNumericColumnsExactly() throws SQLException {
        fx.exec("CREATE TABLE n (id INT PRIMARY KEY, a NUMERIC, b NUMERIC(6,2), c INT)");
        TableName n = fx.table("n");
        fx.apply(n, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"a\":4E+2,\"b\":4.98765e+2,\"c\":1e2}")));
        assertThat(fx.rows("SELECT a, b, c FROM n")).containsExactly(List.of("400", "498.77", "100"));
    }

    @Test
    void valueTheTargetRejectsIsBadInputAndNothingIsWritten() throws SQLException {
        fx.exec("CREATE TABLE b (id INT PRIMARY KEY, n INT)");
        TableName b = fx.table("b");
        List<Mutation> batch = List.of(
                Mutation.upsert(at(1), "[1]", "{\"id\":1,\"n\":1}"),
                Mutation.upsert(at(1), "[2]", "{\"id\":2}"),
                Mutation.upsert(at(1), "[3]", "{\"id\":3,\"n\":\"abc\"}"));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> fx.applier.apply(c, b, batch))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("table " + b)
                    .hasMessageContaining("invalid input syntax for type integer");
            c.rollback();
        }
        assertThat(fx.count("b")).isZero();
        assertThat(counter("apply_errors_total", "b")).isEqualTo(1);
    }

    @Test
    void validationErrorsWriteNothing() throws SQLException {
        List<Mutation> batch = List.of(
                Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\"}"),
                Mutation.upsert(at(1), "[2,\"a\"]", "{\"pk0\":2,\"pk1\":\"a\",\"bogus\":1}"));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> fx.applier.apply(c, t, batch)).isInstanceOf(BlockedException.class);
            c.rollback();
        }
        assertThat(fx.count("t")).isZero();
    }

    @Test
    void validateChecksWithoutWriting() throws SQLException {
        fx.validate(t, List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\"}"),
                Mutation.delete(at(1), "[2,\"b\"]")));
        assertThat(fx.count("t")).isZero();
        assertThatThrownBy(() -> fx.validate(t,
                List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"zz\":1}"))))
                .isInstanceOf(BlockedException.class).hasMessageContaining("rows have column zz that");
    }

    @Test
    void validateAsksTheServerOnlyAboutValuesTheJvmCannotVouchFor() throws SQLException {
        List<Mutation> plain = List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":null}"),
                Mutation.upsert(at(1), "[2,\"b\"]", "{\"pk0\":\"2\",\"pk1\":\"b\",\"v\":\"x\"}"));
        Connection closed = fx.connect();
        closed.close();
        // A closed connection fails any statement: every value here is vouched for without one.
        fx.applier.validate(closed, t, plain);
        // int4in reads " 3"; the JVM's check vouches only for plain integers.
        List<Mutation> odd = List.of(Mutation.upsert(at(1), "[3,\"c\"]", "{\"pk0\":\" 3\",\"pk1\":\"c\"}"));
        assertThatThrownBy(() -> fx.applier.validate(closed, t, odd)).isInstanceOf(SQLException.class);
        fx.validate(t, odd);
    }

    @Test
    void validateRejectsValuesTheColumnTypeCannotTake() throws SQLException {
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[\"x\",\"a\"]",
                "{\"pk0\":\"x\",\"pk1\":\"a\"}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining(t.toString())
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.delete(at(1), "[\"y\",\"b\"]"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("integer");
        assertThat(fx.count("t")).isZero();
    }

    @Test
    void malformedJsonIsBadInputNamingTheTable() {
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[1,\"a\"]", "[1]"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining(t + ": row for key [1,\"a\"]")
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.delete(at(1), "{\"pk0\":1}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("is not a JSON array");
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("malformed JSON in row");
    }

    @Test
    void tableWithoutPrimaryKeyIsRejected() throws SQLException {
        fx.exec("CREATE TABLE nokey (a INT, b INT)");
        TableName nokey = fx.table("nokey");
        assertThatThrownBy(() -> fx.apply(nokey, List.of(Mutation.upsert(at(1), "[1]", "{\"a\":1}"))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("table " + nokey + " has no primary key");
    }

    @Test
    void emptyBatchWritesNothing() throws SQLException {
        assertThat(fx.apply(fx.table("does_not_exist"), List.of())).isEqualTo(ApplyResult.EMPTY);
    }

    @Test
    void durationIsObservedPerTable() throws SQLException {
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\"}")));
        var snapshot = fx.registry.scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("apply_duration_seconds"))
                .findFirst().orElseThrow();
        var data = (io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot)
                snapshot.getDataPoints().get(0);
        assertThat(data.getCount()).isEqualTo(1);
        assertThat(data.getLabels().get("database")).isEqualTo(fx.database);
        assertThat(data.getLabels().get("schema")).isEqualTo("public");
        assertThat(data.getLabels().get("table")).isEqualTo("t");
    }

    @Test
    void preparedBatchesApplyTogetherWithTheLatestMutationPerKeyWinningAcrossThem() throws SQLException {
        fx.apply(t, List.of(Mutation.upsert(at(1), "[2,\"a\"]", "{\"pk0\":2,\"pk1\":\"a\",\"v\":\"there\"}")));
        // Prepared on their callers' threads, then applied in one transaction: as one list would be.
        PreparedBatch first = fx.applier.prepare(t, List.of(
                Mutation.upsert(at(1), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"first\"}"),
                Mutation.upsert(at(1), "[2,\"a\"]", "{\"pk0\":2,\"pk1\":\"a\",\"v\":\"first\"}"),
                Mutation.upsert(at(3), "[3,\"a\"]", "{\"pk0\":3,\"pk1\":\"a\",\"v\":\"newest\"}")));
        PreparedBatch second = fx.applier.prepare(t, List.of(
                Mutation.upsert(at(2), "[1,\"a\"]", "{\"pk0\":1,\"pk1\":\"a\",\"v\":\"second\"}"),
                Mutation.delete(at(2), "[2,\"a\"]"),
                Mutation.upsert(at(2), "[3,\"a\"]", "{\"pk0\":3,\"pk1\":\"a\",\"v\":\"older\"}")));
        PreparedBatch received = PreparedBatch.of(t, List.of(
                Mutation.upsert(at(1), "[4,\"a\"]", "{\"pk0\":4,\"pk1\":\"a\",\"v\":\"as received\"}")));
        ApplyResult result;
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            result = fx.applier.applyPrepared(c, t, List.of(first, second, received, PreparedBatch.of(t, List.of())));
            c.commit();
        }
        assertThat(result).isEqualTo(new ApplyResult(3, 1));
        assertThat(fx.rows("SELECT pk0, v FROM t ORDER BY pk0")).containsExactly(List.of("1", "second"),
                List.of("3", "newest"), List.of("4", "as received"));
        assertThat(counter("apply_upserts_total")).isEqualTo(4);
    }

    @Test
    void preparingFindsBadInputBeforeAnyTransaction() {
        assertThatThrownBy(() -> fx.applier.prepare(t, List.of(
                Mutation.upsert(at(5), "[1,\"0\"]", "{\"pk0\":1,\"no_good\":true}"))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("table " + t + ": missing primary key column pk1");
        assertThat(counter("apply_errors_total")).isEqualTo(1);
        assertThat(fx.applier.prepare(t, List.of()).mutations()).isEmpty();
    }

    /** The counter's value for a table, 0 when never incremented. */
    private long counter(String name) {
        return counter(name, "t");
    }

    private long counter(String name, String table) {
        Optional<io.prometheus.metrics.model.snapshots.MetricSnapshot> snapshot = fx.registry.scrape().stream()
                .filter(m -> (m.getMetadata().getPrometheusName() + "_total").equals(name)).findFirst();
        return snapshot.map(s -> s.getDataPoints().stream()
                .map(d -> (io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d)
                .filter(d -> table.equals(d.getLabels().get("table")))
                .mapToLong(d -> (long) d.getValue()).sum()).orElse(0L);
    }
}
