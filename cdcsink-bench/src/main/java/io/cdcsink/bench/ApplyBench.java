package io.cdcsink.bench;

import io.cdcsink.engine.Applier;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.apply.JsonApplier;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SQL binding: {@link Applier#apply} of 1000 upserts (one webhook batch of the benchmark table) through the public
 * applier, against a {@link FakeConnection} that accepts every statement and answers 1000 rows. This measures the
 * applier's own JVM work per batch (JSON decoding, last-wins per key, shape check, row mapping, statement text and
 * parameter encoding) and nothing of a database; it is a benchmark, not a test. The proxy's dispatch is included,
 * which weighs more for CockroachDB (one setter per value) than for PostgreSQL (one jsonb parameter per statement).
 *
 * <p>Only the public {@code Applier} API and api types are used, so the benchmark survives changes inside
 * {@code cdcsink-apply}. µs per operation = ns per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ApplyBench {
    @Param({"POSTGRESQL", "COCKROACHDB"})
    public TargetDialect.Product target;

    private Applier applier;
    private List<Mutation> upserts;
    private FakeConnection fake;
    private Connection tx;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        List<BenchTable.Row> rows = BenchTable.rows(BenchTable.BATCH);
        upserts = rows.stream().map(r -> Mutation.upsert(r.updated(), r.keyJson(), r.cockroachJson())).toList();
        applier = new JsonApplier(new NoTargetPools(target),
                new InMemorySchemaCatalog(List.of(BenchTable.tableInfo())), ApplyConfigs.NONE,
                new PrometheusRegistry());
        verify(rows);
        fake = new FakeConnection(BenchTable.BATCH, false);
        tx = fake.connection();
    }

    /** One recorded run: a single statement, 1000 upserts reported, every row's values bound. */
    private void verify(List<BenchTable.Row> rows) throws SQLException {
        FakeConnection recording = new FakeConnection(BenchTable.BATCH, true);
        ApplyResult result = applier.apply(recording.connection(), BenchTable.TABLE, upserts);
        BenchTable.check(result.upserts() == BenchTable.BATCH && result.deletes() == 0,
                "apply reported " + result + " for " + BenchTable.BATCH + " upserts");
        BenchTable.check(recording.statements().size() == 1 && recording.updates() == 1,
                "expected one upsert statement per batch, got " + recording.statements());
        StringBuilder bound = new StringBuilder();
        recording.bound().forEach(v -> bound.append(v).append('\n'));
        for (BenchTable.Row r : rows) {
            BenchTable.check(bound.indexOf(r.name() + (target == TargetDialect.Product.POSTGRESQL ? "\"" : "\n")) >= 0
                            && bound.indexOf(r.amount().toPlainString()) >= 0,
                    "row " + r.id() + " was not bound: " + r);
        }
    }

    @Benchmark
    public ApplyResult apply1000Upserts(Blackhole bh) throws SQLException {
        ApplyResult result = applier.apply(tx, BenchTable.TABLE, upserts);
        bh.consume(fake.boundLength());
        return result;
    }
}
