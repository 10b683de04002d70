package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cdcsink.api.SourceRow;
import io.cdcsink.bench.BenchTable;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Mutation encoding, mylogical: 1000 binlog row images of the benchmark table (MySQL {@code id BIGINT, name TEXT,
 * amount DECIMAL(18,4), at TIMESTAMP(6)}, values as the binlog connector hands them over with mylogical's
 * compatibility modes: Long, byte[], BigDecimal, Long microseconds) turned into key and row JSON by
 * {@link RowEncoder}. No server is involved: the encoder takes decoded row images. µs per operation = ns per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RowEncoderBench {
    private final RowEncoder encoder = new RowEncoder();
    private SourceTable table;
    private BitSet included;
    private Serializable[][] images;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        table = new SourceTable("bench", "t", BenchTable.TABLE, List.of(
                new SourceColumn("id", ColumnType.LONGLONG, 0, 0, false, Optional.empty(), List.of()),
                // TEXT is a BLOB with 2 length bytes and a character set in the binlog.
                new SourceColumn("name", ColumnType.BLOB, 2, 0, false, Optional.of(StandardCharsets.UTF_8),
                        List.of()),
                new SourceColumn("amount", ColumnType.NEWDECIMAL, (18 << 8) | 4, 0, false, Optional.empty(),
                        List.of()),
                new SourceColumn("at", ColumnType.TIMESTAMP_V2, 6, 0, false, Optional.empty(), List.of())),
                List.of(0));
        included = new BitSet();
        included.set(0, 4);
        List<BenchTable.Row> rows = BenchTable.rows(BenchTable.BATCH);
        images = rows.stream().map(r -> new Serializable[] {r.id(), r.name().getBytes(StandardCharsets.UTF_8),
                r.amount(), r.atMicros()}).toArray(Serializable[][]::new);
        for (int i = 0; i < rows.size(); i++) {
            BenchTable.Row r = rows.get(i);
            SourceRow e = encoder.encode(table, included, images[i]);
            BenchTable.check(e.keyJson().equals("[\"" + r.id() + "\"]"), "key " + e.keyJson());
            String expected = "{\"id\":\"" + r.id() + "\",\"name\":\"" + r.name() + "\",\"amount\":\""
                    + r.amount().toPlainString() + "\",\"at\":\"" + r.pgAt() + "\"}";
            BenchTable.check(e.toString().equals(expected), "row " + e + " != " + expected);
        }
    }

    @Benchmark
    public void encode1000Rows(Blackhole bh) throws IOException {
        for (Serializable[] image : images) {
            bh.consume(encoder.encode(table, included, image));
        }
    }
}
