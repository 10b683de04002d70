package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.it.JarCommand.Run;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc-sink verify} as users run it (issue #28, part 2): after {@code cdc-sink pglogical} replicated a source,
 * verify says equal (exit 0), also with {@code --live} while the source is still being written; a change made on the
 * target alone is reported by key and column (exit 1, text and JSON); bad flags and an unreachable server exit 2
 * with one line. A MariaDB source is compared through the type mappings.
 */
class VerifyEndToEndIT {
    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();
    private String sourceDb;
    private String targetDb;

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @BeforeEach
    void databases() {
        sourceDb = source.freshDatabase("vesrc");
        targetDb = target.freshDatabase("vedst");
    }

    private List<String> pgFlags(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify",
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--chunkRows", "500"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void afterReplicationTheTablesAreEqualAndATargetOnlyChangeIsReported() throws Exception {
        String ddl = "CREATE TABLE orders (id BIGINT PRIMARY KEY, note TEXT, total NUMERIC(12,2), at TIMESTAMPTZ,"
                + " doc JSONB)";
        source.exec(sourceDb, ddl);
        target.exec(targetDb, ddl);
        source.exec(sourceDb, "CREATE PUBLICATION ve_pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('ve_slot', 'pgoutput')",
                "INSERT INTO orders SELECT g, 'n' || g, g * 1.25, now() - g * INTERVAL '1 minute',"
                        + " jsonb_build_object('g', g) FROM generate_series(1, 3000) g");
        try (CdcSinkProcess p = CdcSinkProcess.logical("pglogical", "pglogical", List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "ve_pub", "--slotName", "ve_slot",
                "--standbyTimeout", "500ms", "--retryDelay", "500ms"))) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        source.exec(sourceDb, "UPDATE orders SET total = total + 1 WHERE id % 100 = " + i);
                        Thread.sleep(50);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            Run live = JarCommand.run(pgFlags("--live", "2s").toArray(String[]::new));
            writer.join();
            assertThat(live.exit()).as(live.output()).isZero();
            assertThat(live.output()).contains("public.orders").contains("EQUAL").contains("1 table: 1 equal");
        }
        target.exec(targetDb, "UPDATE orders SET note = 'edited on the target' WHERE id = 42");
        Run text = JarCommand.run(pgFlags().toArray(String[]::new));
        assertThat(text.exit()).as(text.output()).isEqualTo(1);
        assertThat(text.output()).contains("changed key (42): note source 'n42', target 'edited on the target'")
                .contains("DIFFERENT");
        Run json = JarCommand.run(pgFlags("--format", "json").toArray(String[]::new));
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.output()).contains("\"equal\" : false").contains("\"key\" : \"(42)\"");
    }

    @Test
    void badFlagsAndUnreachableServersExitTwoWithOneLine() throws Exception {
        Run noSchema = JarCommand.run("verify", "--sourceConn", "mysql://root:@127.0.0.1:1/?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:1/postgres", "--targetDB", "x");
        assertThat(noSchema.exit()).isEqualTo(2);
        assertThat(noSchema.output()).contains("--sourceSchema is required for a MySQL/MariaDB source");
        Run unreachable = JarCommand.run("verify", "--sourceConn", "postgresql://postgres@localhost:1/x?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:1/postgres", "--targetDB", "x");
        assertThat(unreachable.exit()).isEqualTo(2);
        assertThat(unreachable.output()).contains("cdc-sink: verify failed:").doesNotContain("\tat ");
    }

    @Test
    void aMariaDbSourceIsComparedThroughTheTypeMappings() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        String db = maria.newDatabase("vemy");
        maria.execute(db, "CREATE TABLE t (id INT PRIMARY KEY, amount DECIMAL(10,3), at DATETIME(6), j JSON)",
                "INSERT INTO t VALUES (1, 1.500, '2024-01-02 03:04:05.000006', '{\"b\": 1, \"a\": 2}'),"
                        + " (2, NULL, NULL, NULL)");
        target.exec(targetDb, "CREATE TABLE t (id INT PRIMARY KEY, amount NUMERIC(10,3), at TIMESTAMP(6), j JSONB)",
                "INSERT INTO t VALUES (1, 1.5, '2024-01-02 03:04:05.000006', '{\"a\": 2, \"b\": 1}'),"
                        + " (2, NULL, NULL, NULL)");
        Run run = JarCommand.run("verify", "--sourceConn", maria.sourceConn(), "--sourceSchema", db,
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains(db + ".t").contains("EQUAL");
    }
}
