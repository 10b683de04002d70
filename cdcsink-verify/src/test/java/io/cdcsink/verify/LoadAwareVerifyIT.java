package io.cdcsink.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc-sink verify} while a snapshot load copies the target (issue #28): a table with chunks not yet copied in
 * {@code <stagingDB>.load_chunks}, or any table of an unfinished initial load, is waited for with {@code --live} (a
 * line saying what for, then the comparison once the load lets go of it) and reported as still being copied
 * without; tables no load holds are compared as usual. The load is recorded here the way cdc-sink's loader records
 * it (the same tables and columns), in a staging schema of another name ({@code --stagingDB}).
 */
class LoadAwareVerifyIT {
    private static final String STAGING = "my staging";
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String src;
    private String dst;

    @BeforeEach
    void databases() throws Exception {
        src = pg.freshDatabase("lvsrc");
        dst = pg.freshDatabase("lvdst");
        String[] ddl = {"CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT, n NUMERIC)",
            "CREATE TABLE u (id INT PRIMARY KEY, w TEXT)"};
        pg.exec(src, ddl);
        pg.exec(dst, ddl);
        pg.exec(src, "INSERT INTO t SELECT g, 'v' || g, g * 1.5 FROM generate_series(1, 3000) g",
                "INSERT INTO u SELECT g, 'w' || g FROM generate_series(1, 200) g");
        pg.exec(dst, "INSERT INTO u SELECT g, 'w' || g FROM generate_series(1, 200) g",
                // The first of t's three chunks is copied.
                "INSERT INTO t SELECT g, 'v' || g, g * 1.5 FROM generate_series(1, 1000) g",
                "CREATE SCHEMA \"" + STAGING + "\"",
                "CREATE TABLE \"" + STAGING + "\".loads (loop_name TEXT PRIMARY KEY, tables TEXT NOT NULL,"
                        + " started_at TIMESTAMPTZ NOT NULL DEFAULT now(), finished_at TIMESTAMPTZ)",
                "CREATE TABLE \"" + STAGING + "\".load_chunks (loop_name TEXT NOT NULL, chunk INT NOT NULL,"
                        + " table_schema TEXT NOT NULL, table_name TEXT NOT NULL, after_key TEXT[], up_to_key TEXT[],"
                        + " rows BIGINT NOT NULL DEFAULT 0, copied_at TIMESTAMPTZ, PRIMARY KEY (loop_name, chunk))");
    }

    /** A load of {@code tables} by loop pglogical: t in three chunks, the first copied; u in one, copied or not. */
    private void loading(String tables, boolean uCopied) throws Exception {
        pg.exec(dst, "INSERT INTO \"" + STAGING + "\".loads (loop_name, tables) VALUES ('pglogical', '" + tables + "')",
                "INSERT INTO \"" + STAGING + "\".load_chunks VALUES"
                        + " ('pglogical', 0, 'public', 'u', NULL, NULL, 200, " + (uCopied ? "now()" : "NULL") + "),"
                        + " ('pglogical', 1, 'public', 't', NULL, '{1000}', 1000, now()),"
                        + " ('pglogical', 2, 'public', 't', '{1000}', '{2000}', 0, NULL),"
                        + " ('pglogical', 3, 'public', 't', '{2000}', NULL, 0, NULL)");
    }

    /** What the loader does: the rest of t copied, its chunks marked, the load finished. */
    private void loadFinishes() throws Exception {
        pg.exec(dst, "BEGIN", "INSERT INTO t SELECT g, 'v' || g, g * 1.5 FROM generate_series(1001, 3000) g",
                "UPDATE \"" + STAGING + "\".load_chunks SET copied_at = now(), rows = 1000 WHERE copied_at IS NULL",
                "COMMIT", "UPDATE \"" + STAGING + "\".loads SET finished_at = now()");
    }

    private List<TableResult> verify(Duration live, List<String> notices) throws Exception {
        try (Connection s = pg.dataSource(src).getConnection(); Connection d = pg.dataSource(dst).getConnection()) {
            return new Verifier(s, d, new VerifyOptions(500, 0, live, 100, STAGING))
                    .verify("public", "public", List.of(), rows -> { }, notices::add);
        }
    }

    private static TableResult table(List<TableResult> results, String name) {
        return results.stream().filter(r -> r.source().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void liveWaitsForTheCopyOfATableThenComparesIt() throws Exception {
        loading("public.t,public.u", true);
        List<String> notices = new CopyOnWriteArrayList<>();
        CompletableFuture<List<TableResult>> run = CompletableFuture.supplyAsync(() -> {
            try {
                return verify(Duration.ofSeconds(1), notices);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2_500);
        assertThat(run).as("verify waits while t's chunks are copied").isNotDone();
        assertThat(notices).containsExactly("waiting for the copy of public.t: 2 of 3 chunks left");
        long finished = System.nanoTime();
        loadFinishes();
        List<TableResult> results = run.get(60, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - finished).as("noticed within about a poll")
                .isLessThan(Duration.ofSeconds(5).toNanos());
        assertThat(notices).endsWith("public.t is loaded; comparing it");
        assertThat(results).allMatch(TableResult::equal, "equal");
        assertThat(table(results, "public.t").sourceRows()).isEqualTo(3000);
        assertThat(table(results, "public.t").targetRows()).isEqualTo(3000);
        assertThat(Reports.text(results)).contains("2 tables: 2 equal, 0 different");
    }

    @Test
    void withoutLiveATableStillCopiedIsReportedAsSuchNotAsMissingRows() throws Exception {
        loading("public.t,public.u", true);
        List<String> notices = new CopyOnWriteArrayList<>();
        List<TableResult> results = verify(Duration.ZERO, notices);
        TableResult t = table(results, "public.t");
        assertThat(t.equal()).isFalse();
        assertThat(t.problems()).containsExactly("still being copied by the load of loop pglogical: 2 of 3 chunks"
                + " left; verify it once the load has finished, or with --live to wait for it");
        assertThat(t.missing()).isZero();
        assertThat(t.shown()).isEmpty();
        assertThat(table(results, "public.u").equal()).as("a table the load has copied is compared").isTrue();
        assertThat(Reports.equal(results)).isFalse();
        assertThat(Reports.text(results)).contains("public.t: still being copied by the load of loop pglogical")
                .contains("2 tables: 1 equal, 1 different");
        assertThat(notices).isEmpty();

        loadFinishes();
        assertThat(verify(Duration.ZERO, notices)).allMatch(TableResult::equal, "equal after the load");
    }

    @Test
    void anUnfinishedInitialLoadHoldsBackEveryTableItCopies() throws Exception {
        // t's rows are all there (the first chunk's), u is not copied yet; before the initial load has finished the
        // stream has not brought the changes made since the snapshot, so no table of it compares yet.
        pg.exec(dst, "INSERT INTO t SELECT g, 'v' || g, g * 1.5 FROM generate_series(1001, 3000) g");
        loading("*", false);
        pg.exec(dst, "UPDATE \"" + STAGING + "\".load_chunks SET copied_at = now() WHERE table_name = 't'",
                "TRUNCATE u");
        List<TableResult> once = verify(Duration.ZERO, new CopyOnWriteArrayList<>());
        assertThat(table(once, "public.t").problems()).containsExactly("copied, but the initial load of loop"
                + " pglogical has 1 of 4 chunks left and the stream brings the changes made since only after it;"
                + " verify it once the load has finished, or with --live to wait for it");
        assertThat(table(once, "public.u").problems()).containsExactly("still being copied by the initial load of"
                + " loop pglogical: 1 of 1 chunks left; verify it once the load has finished, or with --live to wait"
                + " for it");

        List<String> notices = new CopyOnWriteArrayList<>();
        CompletableFuture<List<TableResult>> run = CompletableFuture.supplyAsync(() -> {
            try {
                return verify(Duration.ofSeconds(1), notices);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2_500);
        assertThat(run).isNotDone();
        assertThat(notices).containsExactly("waiting for the initial load of loop pglogical to finish (public.t is"
                + " copied; the stream brings the changes made since once the load is done): 1 of 4 chunks left");
        pg.exec(dst, "BEGIN", "INSERT INTO u SELECT g, 'w' || g FROM generate_series(1, 200) g",
                "UPDATE \"" + STAGING + "\".load_chunks SET copied_at = now() WHERE table_name = 'u'", "COMMIT");
        Thread.sleep(1_500);
        assertThat(run).as("copied, but the load is not finished yet").isNotDone();
        pg.exec(dst, "UPDATE \"" + STAGING + "\".loads SET finished_at = now()");
        List<TableResult> results = run.get(60, TimeUnit.SECONDS);
        assertThat(results).allMatch(TableResult::equal, "equal");
        assertThat(notices).contains("public.t is loaded; comparing it");
    }

    @Test
    void aTargetWithoutLoadsIsComparedAsBefore() throws Exception {
        pg.exec(dst, "DROP SCHEMA \"" + STAGING + "\" CASCADE",
                "INSERT INTO t SELECT g, 'v' || g, g * 1.5 FROM generate_series(1001, 3000) g");
        List<String> notices = new CopyOnWriteArrayList<>();
        assertThat(verify(Duration.ofSeconds(1), notices)).allMatch(TableResult::equal, "equal");
        assertThat(notices).isEmpty();
    }
}
