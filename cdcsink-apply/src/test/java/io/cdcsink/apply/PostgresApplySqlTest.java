package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresApplySqlTest {
    private final PostgresApplySql sql = new PostgresApplySql(new JsonCodec());

    private static final ColumnInfo PK = new ColumnInfo("pk", "integer", 1, false, false, false);
    private static final ColumnInfo A = new ColumnInfo("a", "text", 0, false, false, true);
    private static final ColumnInfo B = new ColumnInfo("b", "text", 0, false, false, true);
    private static final TableInfo TABLE = new TableInfo(new TableName("db", "s", "t"), List.of(PK, A, B));

    @Test
    void upsertBindsOneJsonArray() {
        assertThat(sql.upsertSql(TABLE, List.of(PK, A, B))).isEqualTo(
                "INSERT INTO \"s\".\"t\" (\"pk\",\"a\",\"b\") OVERRIDING SYSTEM VALUE SELECT \"pk\",\"a\",\"b\" "
                        + "FROM json_populate_recordset(NULL::\"s\".\"t\", ?::json) "
                        + "ON CONFLICT (\"pk\") DO UPDATE SET (\"a\",\"b\") = ROW(excluded.\"a\",excluded.\"b\")");
    }

    @Test
    void keyOnlyUpsertDoesNothingOnConflict() {
        assertThat(sql.upsertSql(TABLE, List.of(PK))).isEqualTo(
                "INSERT INTO \"s\".\"t\" (\"pk\") OVERRIDING SYSTEM VALUE SELECT \"pk\" "
                        + "FROM json_populate_recordset(NULL::\"s\".\"t\", ?::json) ON CONFLICT (\"pk\") DO NOTHING");
    }

    @Test
    void deleteSelectsKeysFromTheJsonArray() {
        assertThat(sql.deleteSql(TABLE)).isEqualTo("DELETE FROM \"s\".\"t\" WHERE (\"pk\") IN (SELECT \"pk\" "
                + "FROM json_populate_recordset(NULL::\"s\".\"t\", ?::json))");
    }
}
