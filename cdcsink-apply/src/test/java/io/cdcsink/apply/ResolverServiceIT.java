package io.cdcsink.apply;

import static io.cdcsink.testing.TestDatabase.counter;
import static io.cdcsink.testing.TestDatabase.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.SqlCheckpoints;
import io.cdcsink.metadata.SqlMetadataSchema;
import io.cdcsink.metadata.SqlResolvedTimestamps;
import io.cdcsink.staging.SqlStager;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resolver against the real stager and resolved timestamps of a target database. */
class ResolverServiceIT {
    private static final ResolverConfig CONFIG = new ResolverConfig(100, Duration.ofMillis(200), Duration.ofSeconds(2));

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TestDatabase db;
    private SqlStager stager;
    private RowApplier applier;
    private SchemaName schema;
    private TableName t1;
    private TableName t2;

    @BeforeEach
    void setUp() throws SQLException {
        db = new TestDatabase("resolver");
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, MetadataConfig.defaults());
        stager = new SqlStager(db.pools.dialect(), area, new SqlResolvedTimestamps(db.pools, area),
                new PrometheusRegistry());
        applier = new RowApplier();
        schema = db.schema("app");
        t1 = db.targetTable("app", "t1");
        t2 = db.targetTable("app", "t2");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    /** The resolved timestamps of a database, as one process sees them. */
    private static SqlResolvedTimestamps timestamps(TestDatabase database) {
        return new SqlResolvedTimestamps(database.pools, new SqlMetadataSchema(database.pools,
                MetadataConfig.defaults()));
    }

    private ResolverService resolver(PrometheusRegistry registry) {
        ResolverService service = new ResolverService(db.pools, stager, applier, timestamps(db), CONFIG, registry);
        closeAfter.add(service);
        return service;
    }

    /** Checkpoints that wake the service, as they do in a replicator. */
    private SqlCheckpoints checkpoints(ResolverService service) {
        return new SqlCheckpoints(db.pools, new SqlMetadataSchema(db.pools, MetadataConfig.defaults()), timestamps(db),
                service);
    }

    /** Stages mutation i at time (i, i) with id i, into t1 for odd and t2 for even i. */
    private void stageRange(int from, int to) throws SQLException {
        List<Mutation> odd = new ArrayList<>();
        List<Mutation> even = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            (i % 2 == 1 ? odd : even).add(upsert(i, i, i, "v" + i));
        }
        db.stage(stager, t1, odd);
        db.stage(stager, t2, even);
    }

    private long targetRows() throws SQLException {
        return db.count("SELECT (SELECT count(*) FROM app.t1) + (SELECT count(*) FROM app.t2)");
    }

    @Test
    void aWindowAppliesExactlyTheRowsAtOrBeforeItsTimestampToAllTablesInOneTransaction() throws Exception {
        stageRange(1, 900);
        stageRange(901, 1000);
        ResolverService service = resolver(new PrometheusRegistry());
        checkpoints(service).mark(schema, new Hlc(900, 900));

        // Hold the transaction open inside the second table's apply and look from outside: nothing is visible yet.
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch looked = new CountDownLatch(1);
        applier.hook = (tx, table) -> {
            if (table.equals(t2) && inside.getCount() > 0) {
                inside.countDown();
                try {
                    looked.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CompletableFuture<Optional<WindowResult>> applying = CompletableFuture.supplyAsync(() -> {
            try {
                return service.applyNextWindow(schema);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(targetRows()).isZero();
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.timestamps")).isZero();
        looked.countDown();

        assertThat(applying.get(10, TimeUnit.SECONDS)).contains(new WindowResult(schema, new Hlc(900, 900), 900));
        assertThat(db.count("SELECT count(*) FROM app.t1")).isEqualTo(450);
        assertThat(db.count("SELECT count(*) FROM app.t2")).isEqualTo(450);
        assertThat(db.count("SELECT max(id) FROM app.t1")).isEqualTo(899);
        assertThat(db.count("SELECT max(id) FROM app.t2")).isEqualTo(900);
        assertThat(db.stagedRows(t1) + db.stagedRows(t2)).as("the batches after the window").isEqualTo(100);
        assertThat(db.string("SELECT nanos || '.' || logical FROM _cdc_sink.timestamps WHERE target_schema = 'app'"))
                .isEqualTo("900.900");
        assertThat(service.applyNextWindow(schema)).isEmpty();
    }

    @Test
    void windowsAreAppliedInOrderEachWithTheNewestValueOfItsWindow() throws Exception {
        db.stage(stager, t1, List.of(upsert(50, 0, 1, "a"), upsert(150, 0, 1, "b"), upsert(250, 0, 1, "c"),
                Mutation.delete(new Hlc(260, 0), "[1]")));
        ResolverService service = resolver(new PrometheusRegistry());
        SqlCheckpoints checkpoints = checkpoints(service);
        checkpoints.mark(schema, new Hlc(100, 0));
        checkpoints.mark(schema, new Hlc(200, 0));
        checkpoints.mark(schema, new Hlc(300, 0));

        assertThat(service.applyNextWindow(schema)).map(WindowResult::resolved).contains(new Hlc(100, 0));
        assertThat(db.string("SELECT v FROM app.t1 WHERE id = 1")).isEqualTo("a");
        assertThat(service.applyNextWindow(schema)).map(WindowResult::resolved).contains(new Hlc(200, 0));
        assertThat(db.string("SELECT v FROM app.t1 WHERE id = 1")).isEqualTo("b");
        assertThat(service.applyNextWindow(schema)).map(WindowResult::resolved).contains(new Hlc(300, 0));
        assertThat(db.count("SELECT count(*) FROM app.t1")).isZero(); // the delete at 260 won over 250
        assertThat(service.applyNextWindow(schema)).isEmpty();
        assertThat(checkpoints.lastApplied(schema)).contains(new Hlc(300, 0));
    }

    @Test
    void aBacklogOfWindowsIsReadAheadWhileTheWindowBeforeIsApplied() throws Exception {
        db.exec("CREATE TABLE public.apply_log (tbl TEXT, key TEXT, nanos BIGINT, logical INT)");
        applier.log = true;
        applier.sleepMillis = 5; // the read ahead has time to finish while a window is applied
        PrometheusRegistry registry = new PrometheusRegistry();
        ResolverService service = resolver(registry);
        SqlCheckpoints checkpoints = checkpoints(service);
        int windows = 20;
        for (int w = 1; w <= windows; w++) {
            stageRange(w * 10 - 9, w * 10);
            // A key of t1 rewritten in every window: each window must apply its own newest value, in order.
            db.stage(stager, t1, List.of(upsert(w * 10L, w * 10 + 1, 1_000, "w" + w)));
            checkpoints.mark(schema, new Hlc(w * 10L, w * 10 + 1));
        }

        service.start();
        TestDatabase.await(Duration.ofSeconds(30), () -> checkpoints.lastApplied(schema)
                .equals(Optional.of(new Hlc(windows * 10L, windows * 10 + 1))));

        assertThat(counter(registry, "resolve_windows_read_ahead_total", db.name, "app"))
                .as("every window after the first").isEqualTo(windows - 1);
        assertThat(targetRows()).isEqualTo(windows * 10L + 1);
        assertThat(db.string("SELECT v FROM app.t1 WHERE id = 1000")).isEqualTo("w" + windows);
        assertThat(db.count("SELECT count(*) FROM public.apply_log WHERE key = '[1000]'")).isEqualTo(windows);
        assertThat(db.count("SELECT count(*) FROM public.apply_log")).isEqualTo(windows * 11L);
        assertThat(db.stagedRows(t1) + db.stagedRows(t2)).isZero();
        assertThat(counter(registry, "resolve_mutations_applied_total", db.name, "app")).isEqualTo(windows * 11);
    }

    @Test
    void twoInstancesApplyEveryWindowExactlyOnceAndNeverConcurrently() throws Exception {
        db.exec("CREATE TABLE public.apply_log (tbl TEXT, key TEXT, nanos BIGINT, logical INT)");
        applier.log = true;
        applier.sleepMillis = 5;
        PrometheusRegistry r1 = new PrometheusRegistry();
        PrometheusRegistry r2 = new PrometheusRegistry();
        ResolverService first = resolver(r1);
        ResolverService second = resolver(r2);
        SqlCheckpoints checkpoints = checkpoints(first);
        int windows = 40;
        for (int w = 1; w <= windows; w++) {
            stageRange(w * 10 - 9, w * 10);
            checkpoints.mark(schema, new Hlc(w * 10L, w * 10));
        }

        first.start();
        second.start();
        TestDatabase.await(Duration.ofSeconds(30), () -> checkpoints.lastApplied(schema)
                .equals(Optional.of(new Hlc(windows * 10L, windows * 10))));

        assertThat(db.count("SELECT count(*) FROM public.apply_log")).isEqualTo(windows * 10L);
        assertThat(db.count("SELECT count(DISTINCT (tbl, key, nanos)) FROM public.apply_log"))
                .isEqualTo(windows * 10L);
        assertThat(targetRows()).isEqualTo(windows * 10L);
        assertThat(applier.maxInFlight.get()).isEqualTo(1);
        assertThat(counter(r1, "resolve_windows_applied_total", db.name, "app")
                + counter(r2, "resolve_windows_applied_total", db.name, "app")).isEqualTo(windows);
        assertThat(counter(r1, "resolve_mutations_applied_total", db.name, "app")
                + counter(r2, "resolve_mutations_applied_total", db.name, "app")).isEqualTo(windows * 10);
    }

    @Test
    void windowsQueuedBeforeStartAreAppliedByTheBootstrapScanWithoutAWake() throws Exception {
        ResolverService previous = resolver(new PrometheusRegistry()); // never started: its wake is ignored
        SqlCheckpoints checkpoints = checkpoints(previous);
        stageRange(1, 30);
        checkpoints.mark(schema, new Hlc(10, 10));
        checkpoints.mark(schema, new Hlc(30, 30));
        previous.close();

        ResolverService restarted = resolver(new PrometheusRegistry());
        restarted.start();

        TestDatabase.await(Duration.ofSeconds(10), () -> checkpoints.lastApplied(schema)
                .equals(Optional.of(new Hlc(30, 30))));
        assertThat(targetRows()).isEqualTo(30);
    }

    @Test
    void theScanToleratesDatabasesWithoutAStagingArea() throws Exception {
        TestDatabase empty = new TestDatabase("resolver_empty");
        ResolverService service = new ResolverService(empty.pools, stager, applier, timestamps(empty), CONFIG,
                new PrometheusRegistry());
        closeAfter.add(service);
        service.start();
        // Register the database with a pending window on the same pools afterwards: the next scan finds it.
        stageRange(1, 4);
        ResolverService other = resolver(new PrometheusRegistry());
        checkpoints(other).mark(schema, new Hlc(4, 4));
        empty.pools.forDatabase(db.name);

        // Generous: the bound only has to end a hung test; on a 2-core machine under load a scan can take seconds.
        TestDatabase.await(Duration.ofSeconds(30), () -> {
            try {
                return targetRows() == 4;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(empty.count("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '_cdc_sink'"))
                .isZero();
    }

    @Test
    void anApplierFailureRollsTheWholeWindowBackAndTheLoopRetriesIt() throws Exception {
        stageRange(1, 20);
        PrometheusRegistry registry = new PrometheusRegistry();
        ResolverService service = resolver(registry);
        SqlCheckpoints checkpoints = checkpoints(service);
        checkpoints.mark(schema, new Hlc(20, 20));
        applier.failOn = t2::equals; // t1 is drained and applied first, then t2 fails
        applier.failures.set(2);

        assertThatThrownBy(() -> service.applyNextWindow(schema)).isInstanceOf(SQLException.class)
                .hasMessageContaining("injected failure");
        assertThat(targetRows()).isZero();
        assertThat(db.stagedRows(t1) + db.stagedRows(t2)).isEqualTo(20);
        assertThat(checkpoints.lastApplied(schema)).isEmpty();
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.pending_timestamps WHERE applied_at IS NULL"))
                .isEqualTo(1);

        service.start();
        service.wake(schema);
        TestDatabase.await(Duration.ofSeconds(15), () -> checkpoints.lastApplied(schema).isPresent());
        assertThat(targetRows()).isEqualTo(20);
        assertThat(db.stagedRows(t1) + db.stagedRows(t2)).isZero();
        assertThat(counter(registry, "resolve_errors_total", db.name, "app")).isEqualTo(1);
    }

    @Test
    void aBacklogOfEmptyWindowsDrainsQuickly() throws Exception {
        db.stage(stager, t1, List.of(upsert(1, 0, 1, "only")));
        ResolverService service = resolver(new PrometheusRegistry());
        SqlCheckpoints checkpoints = checkpoints(service);
        for (int i = 1; i <= 200; i++) {
            checkpoints.mark(schema, new Hlc(i * 1000L, 0));
        }

        long start = System.nanoTime();
        service.start();
        service.wake(schema);
        TestDatabase.await(Duration.ofSeconds(60), () -> checkpoints.lastApplied(schema)
                .equals(Optional.of(new Hlc(200_000, 0))));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // Waiting a poll interval per empty window would take minutes; draining them back to back takes about a
        // second on an idle machine. The bound is loose because the suite shares 2 cores with other builds.
        assertThat(took).isLessThan(Duration.ofSeconds(60));
        System.out.println("200 empty windows applied in " + took);
        assertThat(db.string("SELECT v FROM app.t1 WHERE id = 1")).isEqualTo("only");
    }
}
