package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.TableName;
import io.cdcsink.core.status.StatusSnapshot.BlockedView;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Source DDL through {@code pglogical} in every apply mode: with {@code --schemaEvolution none} the rows that need a
 * column or table the target lacks wait, the loop reports the DDL to run, and once the operator ran it the loop
 * resumes by itself; with {@code additive} the target gets the column or table before the first row that needs it,
 * while renames are reported, not run. Each run ends with the target compared to the source cell by cell.
 */
class PgLogicalSchemaChangeIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();
    private static final List<String> KEY = List.of("id");

    @ParameterizedTest
    @EnumSource(PgReplication.Mode.class)
    void anAddedColumnWaitsForTheReportedDdlThenNothingIsLost(PgReplication.Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, "CREATE TABLE t (id int PRIMARY KEY, v text)")) {
            r.inSource("INSERT INTO t VALUES (1, 'a')");
            r.start().awaitApplied();
            // DDL between rows of one transaction: a row of the old shape before it, rows of the new one after.
            r.inSource("INSERT INTO t VALUES (2, 'b')", "ALTER TABLE t ADD COLUMN c2 int8",
                    "INSERT INTO t VALUES (3, 'c', 9000000000)", "UPDATE t SET c2 = 7 WHERE id = 1");
            r.inSource("INSERT INTO t VALUES (4, 'd', 4)");
            String ddl = "ALTER TABLE \"public\".\"t\" ADD COLUMN \"c2\" bigint";
            BlockedView blocked = r.awaitBlocked(ddl);
            TableName t = new TableName(r.target, "public", "t");
            assertThat(blocked.scope()).isEqualTo("loop matrix");
            assertThat(blocked.blockage().kind()).isEqualTo(Blockage.Kind.SCHEMA_CHANGE);
            assertThat(blocked.blockage().table()).contains(t);
            assertThat(blocked.blockage().reason()).isEqualTo("table " + t + ": the source has column c2 that the"
                    + " target lacks");
            assertThat(blocked.blockage().fix()).contains(ddl);
            Map.Entry<Integer, String> health = r.get("/_/healthz");
            assertThat(health.getKey()).isEqualTo(503);
            assertThat(health.getValue()).contains("loop matrix waits: " + blocked.blockage().line());
            assertThat(r.get("/_/varz").getValue()).contains("replication_blocked{kind=\"schema_change\",scope=\"loop"
                    + " matrix\",table=\"" + t + "\"} 1.0");
            assertThat(r.count(r.target, "t WHERE id >= 3")).isZero();

            PG.exec(r.target, ddl);
            r.awaitApplied();
            r.awaitUnblocked();
            assertThat(r.get("/_/healthz")).isEqualTo(Map.entry(200, "OK\n"));
            assertThat(r.differences("t", KEY, List.of("id", "v", "c2"))).isEmpty();
            assertThat(r.count(r.target, "t")).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(PgReplication.Mode.class)
    void aNewPublishedTableWaitsForTheReportedCreateTable(PgReplication.Mode mode) throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, "CREATE TABLE t (id int PRIMARY KEY, v text)")) {
            r.start().awaitApplied();
            r.inSource("CREATE TABLE n (v numeric(12,4), id bigint PRIMARY KEY, at timestamptz)",
                    "INSERT INTO n VALUES (1.5, 1, '2024-02-29 12:00:00+00')", "INSERT INTO t VALUES (1, 'a')");
            String ddl = "CREATE TABLE \"public\".\"n\" (\"v\" numeric(12,4), \"id\" bigint,"
                    + " \"at\" timestamp with time zone, PRIMARY KEY (\"id\"))";
            assertThat(r.awaitBlocked(ddl).blockage().reason()).isEqualTo("table " + r.target + ".public.n does not"
                    + " exist on the target");

            PG.exec(r.target, ddl);
            r.awaitApplied();
            assertThat(r.differences("n", KEY, List.of("id", "v", "at"))).isEmpty();
            assertThat(r.differences("t", KEY, List.of("id", "v"))).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(PgReplication.Mode.class)
    void additiveCreatesColumnsAndTablesLeavesDroppedColumnsAndReportsRenames(PgReplication.Mode mode)
            throws Exception {
        try (PgReplication r = new PgReplication(PG, mode, "CREATE TABLE t (id int PRIMARY KEY, v text)")) {
            r.inSource("INSERT INTO t VALUES (1, 'a')");
            r.evolving(SchemaEvolution.ADDITIVE).start().awaitApplied();
            r.inSource("INSERT INTO t VALUES (2, 'b')", "ALTER TABLE t ADD COLUMN c2 numeric(10,2), ADD COLUMN j jsonb",
                    "INSERT INTO t VALUES (3, 'c', 1.25, '{\"a\": [1]}')",
                    "CREATE TABLE n (id bigint PRIMARY KEY, tags text[], d date)",
                    "INSERT INTO n VALUES (1, '{x,y}', '2024-02-29')");
            r.awaitApplied();
            assertThat(r.differences("t", KEY, List.of("id", "v", "c2", "j"))).isEmpty();
            assertThat(r.differences("n", KEY, List.of("id", "tags", "d"))).isEmpty();
            assertThat(types(r, "t")).containsExactly(List.of("id", "integer"), List.of("v", "text"),
                    List.of("c2", "numeric(10,2)"), List.of("j", "jsonb"));
            assertThat(types(r, "n")).containsExactly(List.of("id", "bigint"), List.of("tags", "text[]"),
                    List.of("d", "date"));

            // A dropped column stays in the target; rows without it still apply.
            r.inSource("ALTER TABLE t DROP COLUMN j", "INSERT INTO t VALUES (4, 'd', 4)",
                    "UPDATE t SET v = 'cc' WHERE id = 3");
            r.awaitApplied();
            assertThat(r.differences("t", KEY, List.of("id", "v", "c2"))).isEmpty();
            assertThat(query(r.target, "SELECT j::text FROM t WHERE id = 3")).containsExactly(List.of("{\"a\": [1]}"));

            // A rename is never run: it is reported with the DDL, and the loop resumes once the target has it.
            r.inSource("ALTER TABLE t RENAME COLUMN v TO label", "INSERT INTO t VALUES (5, 'e', 5)");
            String rename = "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"v\" TO \"label\"";
            assertThat(r.awaitBlocked(rename).blockage().kind()).isEqualTo(Blockage.Kind.SCHEMA_CHANGE);
            assertThat(types(r, "t")).extracting(c -> c.get(0)).containsExactly("id", "v", "c2", "j");
            PG.exec(r.target, rename);
            r.awaitApplied();
            assertThat(r.differences("t", KEY, List.of("id", "label", "c2"))).isEmpty();
        }
    }

    /** Every row of a query, each column as text. */
    private static List<List<String>> query(String database, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(database))) {
            return TableDiff.rows(c, sql);
        }
    }

    /** The target table's columns and their types, in order. */
    private static List<List<String>> types(PgReplication r, String table) throws Exception {
        return query(r.target, "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    }
}
