package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The statement text of both dialects under an apply configuration: identifiers quoted, values bound. */
class ConfiguredSqlTest {
    private static final ColumnInfo PK = new ColumnInfo("pk", "INT8", 1, false, false, false);
    private static final ColumnInfo VER = new ColumnInfo("ver", "INT8", 0, false, false, true);
    private static final ColumnInfo TS = new ColumnInfo("ts", "TIMESTAMPTZ", 0, false, false, true);
    private static final ColumnInfo FIXED = new ColumnInfo("fixed", "STRING", 0, false, false, true);
    private static final TableInfo TABLE = new TableInfo(new TableName("db", "s", "t"), List.of(PK, VER, TS, FIXED));
    private static final TableConfig CONFIG = new TableConfig(List.of("ver"), Map.of("ts", Duration.ofMinutes(1)),
            Map.of("pk", "2 * $0", "fixed", "'c'"), Optional.empty(), Set.of(), Map.of());

    @Test
    void postgresConditionalUpsertCountsWhatItDiscards() {
        PostgresApplySql sql = new PostgresApplySql(new JsonCodec());
        assertThat(sql.upsertSql(TABLE, CONFIG, List.of(PK, VER, TS, FIXED))).isEqualTo(
                "WITH src AS (SELECT (2 * d.\"pk\")::INT8 AS \"pk\",d.\"ver\",d.\"ts\",('c')::STRING AS \"fixed\""
                        + " FROM json_populate_recordset(NULL::\"s\".\"t\", ?::json) AS d), live AS (SELECT * FROM"
                        + " src WHERE src.\"ts\" > now() - ?::bigint * INTERVAL '1 microsecond'), ins AS (INSERT"
                        + " INTO \"s\".\"t\" AS cur (\"pk\",\"ver\",\"ts\",\"fixed\") OVERRIDING SYSTEM VALUE SELECT"
                        + " \"pk\",\"ver\",\"ts\",\"fixed\" FROM live ON CONFLICT (\"pk\") DO UPDATE SET"
                        + " (\"ver\",\"ts\",\"fixed\") = ROW(excluded.\"ver\",excluded.\"ts\",excluded.\"fixed\")"
                        + " WHERE ROW(excluded.\"ver\") > ROW(cur.\"ver\") RETURNING 1) SELECT (SELECT count(*) FROM"
                        + " src), (SELECT count(*) FROM live), (SELECT count(*) FROM ins)");
        assertThat(PostgresApplySql.deadlineMicros(CONFIG, List.of(PK, VER, TS))).containsExactly(60_000_000L);
        // A row without the deadline column is discarded; one without the CAS column compares as NULL.
        assertThat(sql.upsertSql(TABLE, CONFIG, List.of(PK, FIXED))).contains("WHERE FALSE")
                .contains("DO UPDATE SET (\"fixed\") = ROW(excluded.\"fixed\") WHERE ROW(NULL) > ROW(cur.\"ver\")");
        assertThat(sql.deleteSql(TABLE, CONFIG)).isEqualTo("DELETE FROM \"s\".\"t\" WHERE (\"pk\") IN (SELECT"
                + " (2 * d.\"pk\")::INT8 FROM json_populate_recordset(NULL::\"s\".\"t\", ?::json) AS d)");
    }

    @Test
    void postgresExpressionsWithoutConditionsStayOneInsert() {
        PostgresApplySql sql = new PostgresApplySql(new JsonCodec());
        TableConfig exprs = new TableConfig(List.of(), Map.of(), Map.of("ver", "$0 + $0"), Optional.empty(),
                Set.of(), Map.of());
        assertThat(sql.upsertSql(TABLE, exprs, List.of(PK, VER))).isEqualTo(
                "INSERT INTO \"s\".\"t\" (\"pk\",\"ver\") OVERRIDING SYSTEM VALUE SELECT d.\"pk\","
                        + "(d.\"ver\" + d.\"ver\")::INT8 FROM json_populate_recordset(NULL::\"s\".\"t\", ?::json)"
                        + " AS d ON CONFLICT (\"pk\") DO UPDATE SET (\"ver\") = ROW(excluded.\"ver\")");
    }

    @Test
    void cockroachConditionalUpsertBindsOnlyNonConstantColumns() {
        CockroachApplySql sql = new CockroachApplySql(new JsonCodec());
        assertThat(sql.upsertSql(TABLE, CONFIG, List.of(PK, VER, TS, FIXED), 1)).isEqualTo(
                "WITH d (\"pk\",\"ver\",\"ts\") AS (VALUES (?::INT8,?::INT8,?::TIMESTAMPTZ)), src AS (SELECT"
                        + " (2 * d.\"pk\")::INT8 AS \"pk\",d.\"ver\",d.\"ts\",('c')::STRING AS \"fixed\" FROM d),"
                        + " live AS (SELECT * FROM src WHERE src.\"ts\" > now() - ?::INT8 * '1 microsecond'::INTERVAL),"
                        + " ins AS (INSERT INTO \"db\".\"s\".\"t\" AS cur (\"pk\",\"ver\",\"ts\",\"fixed\") SELECT"
                        + " \"pk\",\"ver\",\"ts\",\"fixed\" FROM live ON CONFLICT (\"pk\") DO UPDATE SET"
                        + " (\"ver\",\"ts\",\"fixed\") = (excluded.\"ver\",excluded.\"ts\",excluded.\"fixed\") WHERE"
                        + " (excluded.\"ver\") > (cur.\"ver\") RETURNING 1) SELECT (SELECT count(*) FROM src),"
                        + " (SELECT count(*) FROM live), (SELECT count(*) FROM ins)");
        assertThat(sql.deleteSql(TABLE, CONFIG, 2)).isEqualTo("DELETE FROM \"db\".\"s\".\"t\" WHERE (\"pk\") IN"
                + " (SELECT (2 * d.\"pk\")::INT8 AS \"pk\" FROM (VALUES (?::INT8),(?::INT8)) AS d (\"pk\"))");
        assertThat(sql.upsertSql(TABLE, TableConfig.EMPTY, List.of(PK, VER), 1))
                .isEqualTo(sql.upsertSql(TABLE, List.of(PK, VER), 1));
    }
}
