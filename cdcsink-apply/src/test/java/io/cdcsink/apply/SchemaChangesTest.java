package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.RowChange;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.engine.TargetDialect;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaChangesTest {
    private static final TargetDialect PG = TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    private static final TableName T = new TableName("db", "public", "t");
    private static final TableInfo ID_V = new TableInfo(T, List.of(
            new ColumnInfo("id", "integer", 1, false, false, false),
            new ColumnInfo("v", "text", 0, false, false, true)));

    private static RowShape shape(List<String> columns, String... types) {
        return new RowShape(columns, List.of(0), types.length == 0 ? null : Arrays.asList(types));
    }

    private static RowChange upsert(RowShape shape) {
        String[] values = new String[shape.size()];
        Arrays.fill(values, "1");
        return RowChange.upsert(new Hlc(1, 0), SourceRows.row(shape, values));
    }

    private static Optional<SchemaChanges.Change> of(Optional<TableInfo> info, RowChange... changes) {
        return SchemaChanges.ofChanges(PG, T, info, TableConfig.EMPTY, List.of(changes));
    }

    @Test
    void rowsThatFitTheTableNeedNothing() {
        assertThat(of(Optional.of(ID_V), upsert(shape(List.of("id", "v"), "integer", "text")))).isEmpty();
        // A row without a nullable column is a row the source no longer gives it: it still applies.
        assertThat(of(Optional.of(ID_V), upsert(shape(List.of("id"), "integer")))).isEmpty();
    }

    @Test
    void aMissingTableIsCreatedWithTheSourceTypesAndKey() {
        RowShape s = new RowShape(List.of("v", "id", "n"), List.of(1), List.of("text", "bigint", "numeric(12,4)"));
        SchemaChanges.Change c = of(Optional.empty(), upsert(s)).orElseThrow();
        assertThat(c.reason()).isEqualTo("table " + T + " does not exist on the target");
        assertThat(c.fix()).isEqualTo("CREATE TABLE \"public\".\"t\" (\"v\" text, \"id\" bigint, \"n\" numeric(12,4),"
                + " PRIMARY KEY (\"id\"))");
        assertThat(c.additive()).containsExactly("CREATE TABLE IF NOT EXISTS \"public\".\"t\" (\"v\" text,"
                + " \"id\" bigint, \"n\" numeric(12,4), PRIMARY KEY (\"id\"))");
        Blockage b = c.blockage();
        assertThat(b.kind()).isEqualTo(Blockage.Kind.SCHEMA_CHANGE);
        assertThat(b.table()).contains(T);
        assertThat(b.fix()).contains(c.fix());
    }

    @Test
    void addedColumnsAreNamedWithTheirDdl() {
        SchemaChanges.Change c = of(Optional.of(ID_V),
                upsert(shape(List.of("id", "v", "c2", "c 3"), "integer", "text", "bigint", "jsonb"))).orElseThrow();
        assertThat(c.reason()).isEqualTo("table " + T + ": the source has columns c2, c 3 that the target lacks");
        assertThat(c.fix()).isEqualTo("ALTER TABLE \"public\".\"t\" ADD COLUMN \"c2\" bigint, ADD COLUMN \"c 3\" jsonb");
        assertThat(c.additive()).containsExactly("ALTER TABLE \"public\".\"t\" ADD COLUMN IF NOT EXISTS \"c2\" bigint,"
                + " ADD COLUMN IF NOT EXISTS \"c 3\" jsonb");
    }

    @Test
    void withoutTypesTheDdlAsksForOneAndNothingIsAutomatic() {
        SchemaChanges.Change c = of(Optional.of(ID_V), upsert(shape(List.of("id", "v", "c2")))).orElseThrow();
        assertThat(c.fix()).isEqualTo("ALTER TABLE \"public\".\"t\" ADD COLUMN \"c2\" <type>");
        assertThat(c.reason()).contains("give each the source column's type");
        assertThat(c.additive()).isEmpty();
    }

    @Test
    void deletesNeedOnlyTheKey() {
        RowShape wider = shape(List.of("id", "v", "c2"), "integer", "text", "bigint");
        RowChange delete = RowChange.delete(new Hlc(1, 0), SourceRows.row(wider, "1", null, null));
        assertThat(of(Optional.of(ID_V), delete)).isEmpty();
        assertThat(of(Optional.empty(), delete)).isPresent();
    }

    @Test
    void aDroppedColumnTheTargetHoldsNotNullAsksToDropNotNull() {
        TableInfo strict = new TableInfo(T, List.of(
                new ColumnInfo("id", "integer", 1, false, false, false),
                new ColumnInfo("v", "text", 0, false, false, false),
                new ColumnInfo("w", "text", 0, false, true, false)));
        SchemaChanges.Change c = of(Optional.of(strict), upsert(shape(List.of("id"), "integer"))).orElseThrow();
        assertThat(c.reason()).isEqualTo("table " + T + ": the source's rows lack column v, which the target holds"
                + " NOT NULL without a default");
        assertThat(c.fix()).isEqualTo("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"v\" DROP NOT NULL");
        assertThat(c.additive()).isEmpty();
    }

    @Test
    void aColumnInTheTargetsPlaceIsReportedAsAPossibleRenameNeverAdded() {
        SchemaChanges.Change c = of(Optional.of(ID_V), upsert(shape(List.of("id", "label"), "integer", "text")))
                .orElseThrow();
        assertThat(c.reason()).contains("column label where the target has v");
        assertThat(c.fix()).isEqualTo("ALTER TABLE \"public\".\"t\" RENAME COLUMN \"v\" TO \"label\" (if renamed;"
                + " else ALTER TABLE \"public\".\"t\" ADD COLUMN \"label\" text)");
        assertThat(c.additive()).isEmpty();
    }

    @Test
    void renamesAndIgnoredPropertiesOfTheApplyConfigurationCount() {
        TableConfig config = new TableConfig(List.of(), Map.of(), Map.of(), Optional.empty(), Set.of("skip"),
                Map.of("v", "val"));
        assertThat(SchemaChanges.ofChanges(PG, T, Optional.of(ID_V), config,
                List.of(upsert(shape(List.of("id", "val", "skip"), "integer", "text", "text"))))).isEmpty();
    }

    @Test
    void changefeedTypesAreGuessedFromTheJson() {
        DecodedMutation m = new MutationDecoder(new JsonCodec()).decode(T, List.of(Mutation.upsert(new Hlc(1, 0),
                "[1]", "{\"id\":1,\"v\":\"x\",\"i\":5,\"big\":123456789012345678901,\"d\":1.5,\"b\":true,"
                        + "\"j\":{\"a\":1},\"n\":null}"))).get(0);
        SchemaChanges.Change c = SchemaChanges.ofMutations(PG, T, Optional.of(ID_V), TableConfig.EMPTY, List.of(m))
                .orElseThrow();
        assertThat(c.fix()).isEqualTo("ALTER TABLE \"public\".\"t\" ADD COLUMN \"i\" INT8, ADD COLUMN \"big\" NUMERIC,"
                + " ADD COLUMN \"d\" NUMERIC, ADD COLUMN \"b\" BOOL, ADD COLUMN \"j\" JSONB, ADD COLUMN \"n\" <type>");
        assertThat(c.reason()).startsWith("table " + T + ": the changefeed's rows have columns i, big, d, b, j, n")
                .contains("replace <type> with the source column's type");
        assertThat(c.additive()).isEmpty();
    }

    @Test
    void aMissingChangefeedTableGetsItsKeyFromTheKeyValues() {
        DecodedMutation m = new MutationDecoder(new JsonCodec()).decode(T, List.of(Mutation.upsert(new Hlc(1, 0),
                "[\"a\",7]", "{\"v\":\"x\",\"k\":\"a\",\"n\":7}"))).get(0);
        SchemaChanges.Change c = SchemaChanges.ofMutations(PG, T, Optional.empty(), TableConfig.EMPTY, List.of(m))
                .orElseThrow();
        assertThat(c.fix()).isEqualTo("CREATE TABLE \"public\".\"t\" (\"v\" TEXT, \"k\" TEXT, \"n\" INT8,"
                + " PRIMARY KEY (\"k\", \"n\"))");
        assertThat(c.reason()).startsWith("table " + T + " does not exist on the target");
    }

    @Test
    void aTypeThatDiffersFromTheSourcesIsNamedWithItsAlter() {
        RowChange wider = upsert(shape(List.of("id", "v"), "bigint", "text"));
        SchemaChanges.Change c = SchemaChanges.typeChanges(PG, ID_V, TableConfig.EMPTY, List.of(wider)).orElseThrow();
        assertThat(c.reason()).isEqualTo("table " + T + ": the target refused a value, and column id is integer on"
                + " the target and bigint on the source");
        assertThat(c.fix()).isEqualTo("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"id\" TYPE bigint");
        assertThat(SchemaChanges.typeChanges(PG, ID_V, TableConfig.EMPTY,
                List.of(upsert(shape(List.of("id", "v"), "integer", "text"))))).isEmpty();
    }
}
