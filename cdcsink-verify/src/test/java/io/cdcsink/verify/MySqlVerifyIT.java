package io.cdcsink.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc-sink verify} from MariaDB to PostgreSQL, with the type mappings docs/types.md promises: each row is
 * written on both sides with literals of the same values, as mylogical would have written them, and compares equal;
 * planted differences are found by key and column.
 */
class MySqlVerifyIT {
    private final EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String src;
    private String dst;

    @BeforeEach
    void databases() throws SQLException {
        src = maria.newDatabase("mvsrc");
        dst = pg.freshDatabase("mvdst");
        maria.execute(src, "CREATE TABLE t (id INT PRIMARY KEY, u BIGINT UNSIGNED, dec4 DECIMAL(12,4), dbl DOUBLE,"
                + " s VARCHAR(40) CHARACTER SET utf8mb4, d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL, bl BLOB,"
                + " bt BIT(8), e ENUM('a','b c'), st SET('x','y','z'), j JSON, flag TINYINT(1), y YEAR)");
        pg.exec(dst, "CREATE TABLE t (id INT PRIMARY KEY, u NUMERIC(20), dec4 NUMERIC(12,4), dbl FLOAT8, s TEXT,"
                + " d DATE, dt TIMESTAMP(6), ts TIMESTAMPTZ, bl BYTEA, bt BIT(8), e TEXT, st TEXT, j JSONB,"
                + " flag BOOLEAN, y INT)");
        List<String> mysql = new ArrayList<>();
        List<String> postgres = new ArrayList<>();
        for (int id = 1; id <= 300; id++) {
            mysql.add("(" + id + ", 18446744073709551615 - " + id + ", "
                    + id + ".5000, " + id + ".25e10, 'h\u00e9 \ud83d\ude00 " + id + "', '2024-02-29',"
                    + " '2024-02-29 23:59:59.123456', '2024-06-01 12:00:00.500000', X'00FF" + hex(id) + "',"
                    + " b'10100101', 'b c', 'x,z', '{\"b\": " + id + ", \"a\": [1, 2.5]}', " + (id % 2) + ", 2024)");
            postgres.add("(" + id + ", 18446744073709551615 - " + id + ", " + id + ".5, " + id + ".25e10, 'h\u00e9"
                    + " \ud83d\ude00 " + id + "', '2024-02-29', '2024-02-29 23:59:59.123456',"
                    + " '2024-06-01 12:00:00.5+00', '\\x00ff" + hex(id) + "', B'10100101', 'b c', 'x,z',"
                    + " '{\"a\": [1, 2.50], \"b\": " + id + "}', " + (id % 2 == 1) + ", 2024)");
        }
        mysql.add("(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        postgres.add("(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        maria.execute(src, "SET time_zone = '+00:00'", "INSERT INTO t VALUES " + String.join(", ", mysql));
        pg.exec(dst, "INSERT INTO t VALUES " + String.join(", ", postgres));
    }

    private static String hex(int id) {
        return String.format("%04x", id);
    }

    private List<TableResult> verify() throws Exception {
        try (Connection s = maria.connect(src); Connection d = pg.dataSource(dst).getConnection()) {
            return new Verifier(s, d, new VerifyOptions(64, 0, Duration.ZERO, 100))
                    .verify(src, "public", List.of(), rows -> { });
        }
    }

    @Test
    void theSameValuesCompareEqualThroughTheTypeMappings() throws Exception {
        List<TableResult> results = verify();
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.equal()).as(Reports.text(results)).isTrue();
            assertThat(r.sourceRows()).isEqualTo(301);
            assertThat(r.chunks()).isEqualTo(5);
        });
    }

    @Test
    void plantedDifferencesAreFoundByKeyAndColumn() throws Exception {
        pg.exec(dst, "DELETE FROM t WHERE id = 100", "INSERT INTO t (id) VALUES (1000)",
                "UPDATE t SET dec4 = 5.5001 WHERE id = 5", "UPDATE t SET ts = ts + INTERVAL '1 hour' WHERE id = 6",
                "UPDATE t SET j = '{\"a\": [1, 2.5], \"b\": -7}' WHERE id = 7",
                "UPDATE t SET flag = NOT flag WHERE id = 8",
                "UPDATE t SET s = s || ' ' WHERE id = 9");
        List<TableResult> results = verify();
        String report = Reports.text(results);
        TableResult r = results.get(0);
        assertThat(r.missing()).as(report).isEqualTo(1);
        assertThat(r.extra()).as(report).isEqualTo(1);
        assertThat(r.changed()).as(report).isEqualTo(5);
        assertThat(report).contains("missing key (100)").contains("extra   key (1000)")
                .contains("changed key (5): dec4 source '5.5', target '5.5001'")
                .contains("changed key (6): ts source '2024-06-01 12:00:00.500000', target '2024-06-01"
                        + " 13:00:00.500000'")
                .contains("changed key (7): j source").contains("changed key (8): flag source '0', target '1'")
                .contains("changed key (9): s source");
    }
}
