package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.RowChange;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The applier on a MariaDB target: upserts (sparse rows, composite keys, batches of several statements), deletes,
 * moved rows completed from the stored row ({@link MySqlApplySql#readRows}), foreign-key order across tables, and
 * validation before staging.
 */
class MySqlApplyIT {
    private ApplyFixture fx;

    @BeforeEach
    void setUp() {
        fx = ApplyFixture.on(ApplyFixture.Target.MARIADB, "myapply");
    }

    @Test
    void upsertsSparseRowsAndDeletes() throws SQLException {
        fx.exec("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), n INT DEFAULT 7, other TEXT)");
        TableName t = fx.table("t");
        assertThat(fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"v\":\"a\",\"other\":\"o\"}"),
                Mutation.upsert(at(1), "[2]", "{\"id\":2,\"v\":\"b\",\"n\":null}")))).isEqualTo(new ApplyResult(2, 0));
        assertThat(fx.rows("SELECT id, v, n, other FROM t ORDER BY id")).containsExactly(
                List.of("1", "a", "7", "o"), Arrays.asList("2", "b", null, null));
        // An update of some columns keeps the others; the same values again still count as written rows.
        assertThat(fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"id\":1,\"v\":\"c\"}"),
                Mutation.upsert(at(2), "[2]", "{\"id\":2,\"v\":\"b\"}")))).isEqualTo(new ApplyResult(2, 0));
        assertThat(fx.rows("SELECT id, v, n, other FROM t ORDER BY id")).containsExactly(
                List.of("1", "c", "7", "o"), Arrays.asList("2", "b", null, null));
        assertThat(fx.apply(t, List.of(Mutation.delete(at(3), "[1]"), Mutation.delete(at(3), "[9]"))))
                .isEqualTo(new ApplyResult(0, 1));
        assertThat(fx.rows("SELECT id FROM t")).containsExactly(List.of("2"));
    }

    @Test
    void compositeKeysAndBatchesLargerThanOneStatement() throws SQLException {
        StringBuilder cols = new StringBuilder();
        for (int c = 0; c < 60; c++) {
            cols.append(", c").append(c).append(" BIGINT");
        }
        fx.exec("CREATE TABLE wide (a VARCHAR(10), b BIGINT UNSIGNED" + cols + ", PRIMARY KEY (b, a))");
        TableName t = fx.table("wide");
        int rows = 2500;
        assertThat(new MySqlApplySql(new JsonCodec(), io.cdcsink.api.ValueFormat.CHANGEFEED_JSON)
                .maxRowsPerStatement(62)).isLessThan(rows);
        List<Mutation> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String b = bigKey(i);
            StringBuilder row = new StringBuilder("{\"a\":\"k" + (i % 7) + "\",\"b\":" + b);
            for (int c = 0; c < 60; c++) {
                row.append(",\"c").append(c).append("\":").append((long) i * c - 9_000_000_000_000_000_000L / (c + 1));
            }
            batch.add(Mutation.upsert(at(1), "[" + b + ",\"k" + (i % 7) + "\"]",
                    row.append('}').toString()));
        }
        assertThat(fx.apply(t, batch)).isEqualTo(new ApplyResult(rows, 0));
        assertThat(fx.count("wide")).isEqualTo(rows);
        assertThat(fx.rows("SELECT c59 FROM wide WHERE b = ? AND a = ?", bigKey(10), "k3"))
                .containsExactly(List.of(Long.toString(10L * 59 - 9_000_000_000_000_000_000L / 60)));
        List<Mutation> deletes = new ArrayList<>();
        for (int i = 0; i < rows; i += 2) {
            deletes.add(Mutation.delete(at(2), "[" + bigKey(i) + ",\"k" + (i % 7) + "\"]"));
        }
        assertThat(fx.apply(t, deletes)).isEqualTo(new ApplyResult(0, rows / 2));
        assertThat(fx.count("wide")).isEqualTo(rows / 2);
    }

    /** BIGINT UNSIGNED keys beyond a signed long. */
    private static String bigKey(int i) {
        return "1844674407370954" + String.format("%04d", i);
    }

    @Test
    void aMovedRowTakesWhatItLeavesOutFromItsOldRow() throws SQLException {
        fx.exec("CREATE TABLE docs (k INT PRIMARY KEY, bin VARBINARY(10), big MEDIUMTEXT, bits BIT(10), v TEXT)",
                "INSERT INTO docs VALUES (2, x'00ff0a', REPEAT('x', 70000), b'1000000001', 'two')");
        TableName table = fx.table("docs");
        RowShape shape = new RowShape(List.of("k", "bin", "big", "bits", "v"), List.of(0));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            fx.applier.applyChanges(c, table, List.of(RowChange.move(at(1),
                    SourceRows.row(shape, "2", null, null, null, null),
                    SourceRows.row(shape, "3", SourceRows.ABSENT, SourceRows.ABSENT, SourceRows.ABSENT, "three"))));
            c.commit();
        }
        assertThat(fx.rows("SELECT k, HEX(bin), LENGTH(big), BIN(bits), v FROM docs")).containsExactly(
                List.of("3", "00FF0A", "70000", "1000000001", "three"));
    }

    @Test
    void parentsBeforeChildrenAndChildrenDeletedFirst() throws SQLException {
        fx.exec("CREATE TABLE parent (id INT PRIMARY KEY)",
                "CREATE TABLE child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES parent (id))");
        TableName parent = fx.table("parent");
        TableName child = fx.table("child");
        RowShape one = new RowShape(List.of("id"), List.of(0));
        RowShape two = new RowShape(List.of("id", "p"), List.of(0));
        Map<TableName, List<RowChange>> changes = new LinkedHashMap<>();
        changes.put(child, List.of(RowChange.upsert(at(1), SourceRows.row(two, "10", "1"))));
        changes.put(parent, List.of(RowChange.upsert(at(1), SourceRows.row(one, "1"))));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            fx.applier.applyChanges(c, changes);
            c.commit();
        }
        assertThat(fx.rows("SELECT id, p FROM child")).containsExactly(List.of("10", "1"));
        changes.clear();
        changes.put(parent, List.of(RowChange.delete(at(2), SourceRows.row(one, "1"))));
        changes.put(child, List.of(RowChange.delete(at(2), SourceRows.row(two, "10", null))));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            fx.applier.applyChanges(c, changes);
            c.commit();
        }
        assertThat(fx.count("parent") + fx.count("child")).isZero();
    }

    @Test
    void aCollisionOnAnotherUniqueKeyIsRefusedNotAnUpdateOfThatRow() throws SQLException {
        fx.exec("CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(20) UNIQUE, v TEXT)",
                "INSERT INTO u VALUES (1, 'a@x', 'one')");
        TableName t = fx.table("u");
        List<Mutation> rows = List.of(Mutation.upsert(at(1), "[2]", "{\"id\":2,\"email\":\"a@x\",\"v\":\"two\"}"));
        // The first attempt finds a refused row somewhere; the next one goes row by row and names it.
        assertThatThrownBy(() -> fx.apply(t, rows)).isInstanceOf(io.cdcsink.api.TargetUnavailableException.class);
        assertThatThrownBy(() -> fx.apply(t, rows)).isInstanceOf(io.cdcsink.engine.BlockedException.class)
                .hasMessageContaining("[2]");
        assertThat(fx.rows("SELECT id, email, v FROM u")).containsExactly(List.of("1", "a@x", "one"));
        // An update by the primary key still works, and may change the other unique column.
        fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"id\":1,\"email\":\"b@x\",\"v\":\"uno\"}")));
        assertThat(fx.rows("SELECT id, email, v FROM u")).containsExactly(List.of("1", "b@x", "uno"));
    }

    @Test
    void aTableThatReferencesItself() throws SQLException {
        fx.exec("CREATE TABLE node (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES node (id))");
        TableName t = fx.table("node");
        RowShape shape = new RowShape(List.of("id", "parent"), List.of(0));
        List<RowChange> chain = new ArrayList<>();
        for (int i = 20; i >= 1; i--) {
            chain.add(RowChange.upsert(at(1), SourceRows.row(shape, Integer.toString(i), i == 1 ? null
                    : Integer.toString(i - 1))));
        }
        List<RowChange> deletes = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            deletes.add(RowChange.delete(at(2), SourceRows.row(shape, Integer.toString(i), null)));
        }
        for (List<RowChange> batch : List.of(chain, deletes)) {
            // A first attempt may be refused (MySQL checks a foreign key row by row); the retry goes row by row.
            for (int attempt = 0; ; attempt++) {
                try (Connection c = fx.connect()) {
                    c.setAutoCommit(false);
                    fx.applier.applyChanges(c, t, batch);
                    c.commit();
                    break;
                } catch (io.cdcsink.api.TargetUnavailableException e) {
                    assertThat(attempt).as("retries").isZero();
                }
            }
            assertThat(fx.count("node")).isEqualTo(batch == chain ? 20 : 0);
        }
    }

    @Test
    void additiveSchemaEvolutionOnlyAdvisesOnMySql() throws SQLException {
        fx.exec("CREATE TABLE t (id INT PRIMARY KEY)");
        TableName t = fx.table("t");
        RowShape shape = new RowShape(List.of("id", "extra"), List.of(0));
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> fx.applier.withSchemaEvolution(io.cdcsink.engine.SchemaEvolution.ADDITIVE)
                    .applyChanges(c, t, List.of(RowChange.upsert(at(1), SourceRows.row(shape, "1", "x")))))
                    .isInstanceOf(io.cdcsink.engine.BlockedException.class).hasMessageContaining("extra");
            c.rollback();
        }
        assertThat(fx.rows("SELECT column_name FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name = 't'", fx.database)).containsExactly(List.of("id"));
    }

    @Test
    void validationRefusesWhatAColumnCannotHoldNamingIt() throws SQLException {
        fx.exec("CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(5,2), ts TIMESTAMP(6) NULL)");
        TableName t = fx.table("t");
        fx.validate(t, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"d\":\"999.99\"}")));
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"d\":1.234}"))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("column d: value '1.234' does not fit MySQL type decimal(5,2)");
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.delete(at(1), "[2147483648]"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("column id: value '2147483648'");
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1,\"d\":1}"),
                Mutation.upsert(at(1), "[2]", "{\"id\":2,\"ts\":\"1969-12-31T23:59:59Z\"}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("column ts")
                .hasMessageContaining("TIMESTAMP holds 1970-01-01 00:00:01");
        assertThat(fx.count("t")).isZero();
    }
}
