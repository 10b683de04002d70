package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.SchemaEvolution;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rows of a log-based source whose table changed, applied to a real PostgreSQL target: what the target lacks is
 * reported with the DDL that fixes it, and running that DDL (or {@code --schemaEvolution additive}) lets the same rows
 * through. Changefeed rows with a property the target lacks are reported the same way.
 */
class SchemaEvolutionIT {
    private ApplyFixture fx;
    private TableName t;

    @BeforeEach
    void setUp() throws SQLException {
        fx = new ApplyFixture("evolve");
        fx.exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
        t = fx.table("t");
    }

    private static RowShape shape(List<String> columns, String... types) {
        return new RowShape(columns, List.of(0), Arrays.asList(types));
    }

    /** Applies in one transaction with {@code evolution} and commits it; rolls back on failure. */
    private void apply(SchemaEvolution evolution, TableName table, RowChange... changes) throws SQLException {
        Applier applier = fx.applier.withSchemaEvolution(evolution);
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            try {
                applier.applyChanges(c, table, List.of(changes));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static Blockage blockage(Throwable e) {
        assertThat(e).isInstanceOf(BlockedException.class);
        Blockage b = ((BlockedException) e).blockage();
        assertThat(b.kind()).isEqualTo(Blockage.Kind.SCHEMA_CHANGE);
        return b;
    }

    @Test
    void anAddedColumnWaitsWithItsDdlThenTheSameRowsApplyOnceTheTargetHasIt() throws SQLException {
        RowShape wider = shape(List.of("id", "v", "c2"), "integer", "text", "bigint");
        RowChange row = RowChange.upsert(at(1), SourceRows.row(wider, "1", "a", "9000000000"));
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> apply(SchemaEvolution.NONE, t, row));
        Blockage b = blockage(e);
        assertThat(b.table()).contains(t);
        assertThat(b.reason()).isEqualTo("table " + t + ": the source has column c2 that the target lacks");
        assertThat(b.fix()).contains("ALTER TABLE \"public\".\"t\" ADD COLUMN \"c2\" bigint");
        assertThat(fx.count("t")).isZero();

        fx.exec(b.fix().orElseThrow());
        apply(SchemaEvolution.NONE, t, row);
        assertThat(fx.rows("SELECT id, v, c2 FROM t")).containsExactly(List.of("1", "a", "9000000000"));
    }

    @Test
    void additiveCreatesTheColumnInTheApplyingTransactionAndTheCatalogSeesIt() throws SQLException {
        apply(SchemaEvolution.NONE, t, RowChange.upsert(at(1),
                SourceRows.row(shape(List.of("id", "v"), "integer", "text"), "1", "a")));
        RowShape wider = shape(List.of("id", "v", "n", "at"), "integer", "text", "numeric(12,4)",
                "timestamp(3) with time zone");
        apply(SchemaEvolution.ADDITIVE, t, RowChange.upsert(at(2),
                SourceRows.row(wider, "2", "b", "1.5", "2024-02-29 12:00:00.123+00")));
        assertThat(fx.rows("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass"
                + " AND attnum > 0 ORDER BY attnum")).containsExactly(List.of("integer"), List.of("text"),
                List.of("numeric(12,4)"), List.of("timestamp(3) with time zone"));
        assertThat(fx.catalog.table(t).orElseThrow().column("at")).isPresent();
        assertThat(fx.rows("SELECT id, v, n, at = '2024-02-29 12:00:00.123+00' FROM t ORDER BY id")).containsExactly(
                Arrays.asList("1", "a", null, null), List.of("2", "b", "1.5000", "t"));
    }

    @Test
    void additiveDdlRollsBackWithTheTransactionAndIsRunAgainOnTheRetry() throws SQLException {
        RowShape wider = shape(List.of("id", "v", "c2"), "integer", "text", "integer");
        Applier additive = fx.applier.withSchemaEvolution(SchemaEvolution.ADDITIVE);
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            additive.applyChanges(c, t, List.of(RowChange.upsert(at(1), SourceRows.row(wider, "1", "a", "5"))));
            c.rollback();
        }
        assertThat(fx.rows("SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c2'"))
                .containsExactly(List.of("0"));
        // The cache still describes c2: the first retry fails on it and rereads, the next applies.
        RowChange row = RowChange.upsert(at(2), SourceRows.row(wider, "2", "b", "6"));
        try {
            apply(SchemaEvolution.ADDITIVE, t, row);
        } catch (SQLException e) {
            apply(SchemaEvolution.ADDITIVE, t, row);
        }
        assertThat(fx.rows("SELECT id, v, c2 FROM t")).containsExactly(List.of("2", "b", "6"));
    }

    @Test
    void aMissingTableIsReportedOrCreatedWithItsKey() throws SQLException {
        TableName fresh = fx.table("fresh");
        RowShape s = new RowShape(List.of("v", "id"), List.of(1), List.of("text", "bigint"));
        RowChange row = RowChange.upsert(at(1), SourceRows.row(s, "x", "7"));
        Blockage b = blockage(org.assertj.core.api.Assertions.catchThrowable(
                () -> apply(SchemaEvolution.NONE, fresh, row)));
        assertThat(b.reason()).isEqualTo("table " + fresh + " does not exist on the target");
        assertThat(b.fix()).contains("CREATE TABLE \"public\".\"fresh\" (\"v\" text, \"id\" bigint, PRIMARY KEY (\"id\"))");

        apply(SchemaEvolution.ADDITIVE, fresh, row);
        assertThat(fx.rows("SELECT v, id FROM fresh")).containsExactly(List.of("x", "7"));
        assertThat(fx.catalog.table(fresh).orElseThrow().primaryKey()).extracting(c -> c.name()).containsExactly("id");
    }

    @Test
    void aDroppedColumnIsLeftAndANotNullOneIsReportedNeverChanged() throws SQLException {
        fx.exec("ALTER TABLE t ADD COLUMN keep TEXT DEFAULT 'd', ADD COLUMN strict TEXT NOT NULL");
        RowShape narrower = shape(List.of("id", "v"), "integer", "text");
        RowChange row = RowChange.upsert(at(1), SourceRows.row(narrower, "1", "a"));
        for (SchemaEvolution evolution : SchemaEvolution.values()) {
            Blockage b = blockage(org.assertj.core.api.Assertions.catchThrowable(() -> apply(evolution, t, row)));
            assertThat(b.reason()).isEqualTo("table " + t + ": the source's rows lack column strict, which the target"
                    + " holds NOT NULL without a default");
            assertThat(b.fix()).contains("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"strict\" DROP NOT NULL");
        }
        fx.exec("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"strict\" DROP NOT NULL");
        apply(SchemaEvolution.ADDITIVE, t, row);
        assertThat(fx.rows("SELECT id, v, keep, strict FROM t")).containsExactly(Arrays.asList("1", "a", "d", null));
        assertThat(fx.rows("SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0"
                + " AND NOT attisdropped")).containsExactly(List.of("4"));
    }

    @Test
    void aRenameIsReportedNeverRunNorAdded() throws SQLException {
        RowShape renamed = shape(List.of("id", "label"), "integer", "text");
        RowChange row = RowChange.upsert(at(1), SourceRows.row(renamed, "1", "a"));
        Blockage b = blockage(org.assertj.core.api.Assertions.catchThrowable(
                () -> apply(SchemaEvolution.ADDITIVE, t, row)));
        assertThat(b.fix()).contains("ALTER TABLE \"public\".\"t\" RENAME COLUMN \"v\" TO \"label\" (if renamed;"
                + " else ALTER TABLE \"public\".\"t\" ADD COLUMN \"label\" text)");
        assertThat(fx.rows("SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0"
                + " ORDER BY attnum")).containsExactly(List.of("id"), List.of("v"));
        fx.exec("ALTER TABLE \"public\".\"t\" RENAME COLUMN \"v\" TO \"label\"");
        apply(SchemaEvolution.ADDITIVE, t, row);
        assertThat(fx.rows("SELECT id, label FROM t")).containsExactly(List.of("1", "a"));
    }

    @Test
    void aValueOfAChangedTypeTheTargetRefusesIsReportedWithTheAlter() throws SQLException {
        RowShape widened = shape(List.of("id", "v"), "bigint", "text");
        RowChange row = RowChange.upsert(at(1), SourceRows.row(widened, "9000000000", "a"));
        Blockage b = blockage(org.assertj.core.api.Assertions.catchThrowable(
                () -> apply(SchemaEvolution.ADDITIVE, t, row)));
        assertThat(b.reason()).isEqualTo("table " + t + ": the target refused a value, and column id is integer on"
                + " the target and bigint on the source");
        assertThat(b.fix()).contains("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"id\" TYPE bigint");
        fx.exec(b.fix().orElseThrow());
        apply(SchemaEvolution.NONE, t, row);
        assertThat(fx.rows("SELECT id, v FROM t")).containsExactly(List.of("9000000000", "a"));
    }

    @Test
    void aChangefeedPropertyTheTargetLacksIsBlockedWithATypeFromItsJson() throws SQLException {
        Mutation m = Mutation.upsert(at(1), "[1]", "{\"id\":1,\"v\":\"a\",\"n\":42}");
        Blockage b = blockage(org.assertj.core.api.Assertions.catchThrowable(() -> fx.validate(t, List.of(m))));
        assertThat(b.reason()).startsWith("table " + t + ": the changefeed's rows have column n that the target"
                + " lacks");
        assertThat(b.fix()).contains("ALTER TABLE \"public\".\"t\" ADD COLUMN \"n\" INT8");
        assertThatThrownBy(() -> fx.apply(t, List.of(m))).isInstanceOf(BlockedException.class);
        fx.exec(b.fix().orElseThrow());
        fx.apply(t, List.of(m));
        assertThat(fx.rows("SELECT id, v, n FROM t")).containsExactly(List.of("1", "a", "42"));
    }

    @Test
    void aChangefeedTableInASchemaTheTargetLacksIsBadInputNotABlockage() {
        TableName elsewhere = new TableName(fx.database, "no_such_schema", "t");
        assertThatThrownBy(() -> fx.validate(elsewhere, List.of(Mutation.upsert(at(1), "[1]", "{\"id\":1}"))))
                .isInstanceOf(io.cdcsink.api.BadInputException.class)
                .hasMessageContaining("has no schema named \"no_such_schema\"");
    }
}
