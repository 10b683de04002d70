package io.cdcsink.apply;

import static io.cdcsink.testing.TestDatabase.counter;
import static io.cdcsink.testing.TestDatabase.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.SqlCheckpoints;
import io.cdcsink.metadata.SqlMetadataSchema;
import io.cdcsink.metadata.SqlResolvedTimestamps;
import io.cdcsink.staging.SqlStager;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resolver's pause after a failed window ends early: when its target database was unreachable, as soon as the
 * loop's health check reaches it again; after any other failure, at the next resolved timestamp. Without that the
 * backoff (1 s doubling to 30 s) would keep a target that is back, or a window that would now apply, waiting.
 */
class ResolverOutageIT {
    private static final ResolverConfig CONFIG = new ResolverConfig(100, Duration.ofMillis(200), Duration.ofSeconds(2));

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TestDatabase db;
    private SqlStager stager;
    private RowApplier applier;
    private SchemaName schema;
    private TableName t1;

    @BeforeEach
    void setUp() throws SQLException {
        db = new TestDatabase("resolver_outage");
        SqlMetadataSchema area = new SqlMetadataSchema(db.pools, MetadataConfig.defaults());
        stager = new SqlStager(db.pools.dialect(), area, new SqlResolvedTimestamps(db.pools, area),
                new PrometheusRegistry());
        applier = new RowApplier();
        schema = db.schema("app");
        t1 = db.targetTable("app", "t1");
        db.targetTable("app", "t2");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    @Test
    void aLoopWhoseTargetWasUnreachableAppliesWithinASecondOfItsReturn() throws Exception {
        Switchable pools = new Switchable(db.pools);
        PrometheusRegistry registry = new PrometheusRegistry();
        ResolverService service = new ResolverService(pools, stager, applier, new SqlResolvedTimestamps(pools,
                new SqlMetadataSchema(pools, MetadataConfig.defaults())), CONFIG, registry);
        closeAfter.add(service);
        stage(20);
        pools.down = true;
        service.start();
        checkpoints(service).mark(schema, new Hlc(20, 20));
        // Failures at about 0, 1, 3 and 7 s: at 7.5 s the loop is in a pause of 8 s.
        Thread.sleep(7_500);
        assertThat(counter(registry, "resolve_errors_total", db.name, "app")).isGreaterThanOrEqualTo(4);
        assertThat(db.count("SELECT count(*) FROM app.t1")).isZero();

        pools.down = false;
        long up = System.nanoTime();
        TestDatabase.await(Duration.ofSeconds(20), () -> applied(service, 20));
        double seconds = (System.nanoTime() - up) / 1e9;
        System.out.printf("RESOLVER OUTAGE: target back -> window applied after %.2f s (pause was 8 s)%n", seconds);
        assertThat(seconds).isLessThan(1.0);
        assertThat(db.count("SELECT count(*) FROM app.t1")).isEqualTo(20);
    }

    @Test
    void aNewResolvedTimestampEndsThePauseAfterAFailedWindow() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        ResolverService service = new ResolverService(db.pools, stager, applier, timestamps(), CONFIG, registry);
        closeAfter.add(service);
        stage(20);
        applier.failOn = t1::equals;
        applier.failures.set(4); // backoffs of 1, 2, 4 and 8 s without wakes
        service.start();
        SqlCheckpoints checkpoints = checkpoints(service);
        long start = System.nanoTime();
        checkpoints.mark(schema, new Hlc(20, 20));
        // A changefeed resolves every 200 ms: each new timestamp retries the failing window at once.
        for (int i = 1; db.count("SELECT count(*) FROM app.t1") < 20; i++) {
            assertThat(System.nanoTime() - start).as("applied after its failures").isLessThan(10_000_000_000L);
            checkpoints.mark(schema, new Hlc(20 + i, 0));
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("RESOLVER WAKE: 4 failures, window applied after %.2f s (15 s of backoff without wakes)%n",
                seconds);
        assertThat(counter(registry, "resolve_errors_total", db.name, "app")).isEqualTo(4);
        assertThat(seconds).isLessThan(3.0);
    }

    private boolean applied(ResolverService service, long nanos) {
        return checkpoints(service).lastApplied(schema).equals(Optional.of(new Hlc(nanos, (int) nanos)));
    }

    private void stage(int rows) throws SQLException {
        List<Mutation> mutations = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
            mutations.add(upsert(i, i, i, "v" + i));
        }
        db.stage(stager, t1, mutations);
    }

    private SqlResolvedTimestamps timestamps() {
        return new SqlResolvedTimestamps(db.pools, new SqlMetadataSchema(db.pools, MetadataConfig.defaults()));
    }

    private SqlCheckpoints checkpoints(ResolverService service) {
        return new SqlCheckpoints(db.pools, new SqlMetadataSchema(db.pools, MetadataConfig.defaults()), timestamps(),
                service);
    }

    /** The test database's pools, whose connections are refused while {@link #down} (a target that went away). */
    private static final class Switchable implements TargetPools {
        private final TargetPools real;
        private volatile boolean down;

        Switchable(TargetPools real) {
            this.real = real;
        }

        @Override
        public DataSource forDatabase(String database) {
            DataSource ds = real.forDatabase(database);
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (down && method.getName().equals("getConnection")) {
                            throw new SQLTransientConnectionException("Connection to the target refused", "08001");
                        }
                        try {
                            return method.invoke(ds, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public int maxConnections() {
            return real.maxConnections();
        }

        @Override
        public TargetDialect dialect() {
            return real.dialect();
        }

        @Override
        public List<String> databases() {
            return real.databases();
        }

        @Override
        public boolean ping() {
            return !down && real.ping();
        }

        @Override
        public void close() {
            // The real pools belong to the test database.
        }
    }
}
