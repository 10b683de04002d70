package io.cdcsink.webhook;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.bench.BenchTable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Payload parsing: one request body of 1000 rows of the benchmark table, as the webhook sink (JSON envelope) and the
 * cloud-storage sink (ndjson) send it, decoded into mutations. The body is in memory; HTTP is not part of it.
 * µs per operation = ns per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PayloadParsingBench {
    private final WebhookBodyParser webhookParser = new WebhookBodyParser();
    private final NdjsonBodyParser ndjsonParser = new NdjsonBodyParser();
    private SchemaName schema;
    private byte[] webhookBody;
    private byte[] ndjsonBody;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<BenchTable.Row> rows = BenchTable.rows(BenchTable.BATCH);
        schema = BenchTable.TABLE.schemaName();
        webhookBody = BenchTable.webhookBody(rows);
        ndjsonBody = BenchTable.ndjsonBody(rows);
        WebhookBody body = webhookBody();
        BenchTable.check(body.mutations().keySet().equals(Set.of(BenchTable.TABLE)),
                "webhook body tables " + body.mutations().keySet());
        check(rows, body.mutations().get(BenchTable.TABLE));
        check(rows, ndjsonBody());
    }

    private static void check(List<BenchTable.Row> rows, List<Mutation> parsed) {
        BenchTable.check(parsed.size() == rows.size(), parsed.size() + " mutations parsed");
        for (int i = 0; i < rows.size(); i++) {
            BenchTable.Row r = rows.get(i);
            Mutation expected = Mutation.upsert(r.updated(), r.keyJson(), r.cockroachJson());
            BenchTable.check(parsed.get(i).equals(expected), "row " + i + ": " + parsed.get(i) + " != " + expected);
        }
    }

    @Benchmark
    public WebhookBody webhookBody() throws IOException {
        return webhookParser.parse(schema, new ByteArrayInputStream(webhookBody));
    }

    @Benchmark
    public List<Mutation> ndjsonBody() throws IOException {
        return ndjsonParser.parse(BenchTable.TABLE, new ByteArrayInputStream(ndjsonBody));
    }
}
