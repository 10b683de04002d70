package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class CockroachApplySqlTest {
    private final JsonCodec json = new JsonCodec();
    private final CockroachApplySql sql = new CockroachApplySql(json);

    private static final ColumnInfo PK0 = new ColumnInfo("pk0", "STRING", 1, false, false, false);
    private static final ColumnInfo PK1 = new ColumnInfo("pk1", "INT8", 2, false, false, false);
    private static final ColumnInfo V = new ColumnInfo("v", "DECIMAL(6,2)", 0, false, false, true);
    private static final ColumnInfo ARR = new ColumnInfo("arr", "STRING[]", 0, false, false, true);
    private static final TableInfo TABLE = new TableInfo(new TableName("db", "sch", "t"), List.of(PK0, PK1, V, ARR));

    @Test
    void upsertCastsEveryPlaceholder() {
        assertThat(sql.upsertSql(TABLE, List.of(PK0, PK1, V), 2)).isEqualTo(
                "UPSERT INTO \"db\".\"sch\".\"t\" (\"pk0\",\"pk1\",\"v\") VALUES "
                        + "(?::STRING,?::INT8,?::DECIMAL(6,2)),(?::STRING,?::INT8,?::DECIMAL(6,2))");
    }

    @Test
    void sparseUpsertListsOnlyPresentColumns() {
        assertThat(sql.upsertSql(TABLE, List.of(PK0, PK1), 1)).isEqualTo(
                "UPSERT INTO \"db\".\"sch\".\"t\" (\"pk0\",\"pk1\") VALUES (?::STRING,?::INT8)");
    }

    @Test
    void deleteMatchesKeyTuples() {
        assertThat(sql.deleteSql(TABLE, 2)).isEqualTo(
                "DELETE FROM \"db\".\"sch\".\"t\" WHERE (\"pk0\",\"pk1\") IN ((?::STRING,?::INT8),(?::STRING,?::INT8))");
    }

    @Test
    void identifiersAreQuoted() {
        ColumnInfo odd = new ColumnInfo("we\"ird", "INT8", 1, false, false, false);
        TableInfo t = new TableInfo(new TableName("d b", "S", "t\"x"), List.of(odd));
        assertThat(sql.deleteSql(t, 1))
                .isEqualTo("DELETE FROM \"d b\".\"S\".\"t\"\"x\" WHERE (\"we\"\"ird\") IN ((?::INT8))");
    }

    @Test
    void generatedKeyColumnsTakePartInDeletes() {
        ColumnInfo shard = new ColumnInfo("crdb_internal_id_shard_8", "INT8", 1, true, false, false);
        ColumnInfo id = new ColumnInfo("id", "INT8", 2, false, false, false);
        TableInfo t = new TableInfo(new TableName("db", "public", "h"), List.of(id, shard));
        assertThat(sql.deleteSql(t, 1)).isEqualTo("DELETE FROM \"db\".\"public\".\"h\" "
                + "WHERE (\"crdb_internal_id_shard_8\",\"id\") IN ((?::INT8,?::INT8))");
    }

    @Test
    void chunksStayUnderThePlaceholderLimit() {
        assertThat(sql.maxRowsPerStatement(3)).isEqualTo(1000);
        assertThat(sql.maxRowsPerStatement(1000)).isEqualTo(65);
        assertThat(sql.maxRowsPerStatement(100_000)).isEqualTo(1);
    }

    @Test
    void valuesAreSentAsCastableText() throws Exception {
        assertThat(sql.text(V, json.parse("4.98765e+2"))).isEqualTo("498.765");
        assertThat(sql.text(PK1, json.parse("4E+2"))).isEqualTo("400");
        assertThat(sql.text(PK1, json.parse("-9223372036854775808"))).isEqualTo("-9223372036854775808");
        assertThat(sql.text(PK0, json.parse("\"a\\\"b\""))).isEqualTo("a\"b");
        assertThat(sql.text(PK0, json.parse("null"))).isNull();
        assertThat(sql.text(PK0, json.parse("true"))).isEqualTo("true");
        ColumnInfo jsonb = new ColumnInfo("j", "JSONB", 0, false, false, true);
        assertThat(sql.text(jsonb, json.parse("{\"a\": [1, 2.50]}"))).isEqualTo("{\"a\":[1,2.50]}");
        assertThat(sql.text(ARR, json.parse("[\"x\",\"a,b\",\"q\\\"\\\\\",null,\"NULL\"]")))
                .isEqualTo("{\"x\",\"a,b\",\"q\\\"\\\\\",NULL,\"NULL\"}");
        assertThat(sql.text(new ColumnInfo("m", "INT8[]", 0, false, false, true), json.parse("[[1,2],[3,4]]")))
                .isEqualTo("{{\"1\",\"2\"},{\"3\",\"4\"}}");
    }
}
