package io.cdcsink.pg;

import io.cdcsink.api.SourceRow;
import io.cdcsink.bench.BenchTable;
import io.cdcsink.pg.PgOutputMessage.Column;
import io.cdcsink.pg.PgOutputMessage.Insert;
import io.cdcsink.pg.PgOutputMessage.Relation;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * Mutation encoding, pglogical: 1000 pgoutput Insert messages of the benchmark table (values in PostgreSQL's text
 * format, as the server sends them) decoded, and decoded then turned into the key and row JSON that go on as
 * mutations. The replication stream itself is not part of it. µs per operation = ns per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PgOutputBench {
    private static final int RELATION_ID = 16_385;
    private static final int INT8 = 20;
    private static final int TEXT = 25;
    private static final int NUMERIC = 1700;
    private static final int TIMESTAMPTZ = 1184;

    private RelationInfo relation;
    private byte[][] messages;

    @Setup(Level.Trial)
    public void setUp() {
        Relation r = new Relation(RELATION_ID, "public", "t", Relation.IDENTITY_DEFAULT, List.of(
                new Column(1, "id", INT8, -1),
                new Column(0, "name", TEXT, -1),
                new Column(0, "amount", NUMERIC, ((18 << 16) | 4) + 4),
                new Column(0, "at", TIMESTAMPTZ, -1)));
        relation = RelationInfo.of(BenchTable.TABLE, r, List.of(0));
        List<BenchTable.Row> rows = BenchTable.rows(BenchTable.BATCH);
        messages = rows.stream().map(PgOutputBench::insertMessage).toArray(byte[][]::new);
        for (int i = 0; i < rows.size(); i++) {
            BenchTable.Row row = rows.get(i);
            Insert insert = (Insert) PgOutputDecoder.decode(ByteBuffer.wrap(messages[i]));
            SourceRow source = TupleRows.row(relation, insert.newTuple());
            String key = source.keyJson();
            String json = source.toString();
            BenchTable.check(key.equals("[\"" + row.id() + "\"]"), "key " + key);
            String expected = "{\"id\":\"" + row.id() + "\",\"name\":\"" + row.name() + "\",\"amount\":\""
                    + row.amount().toPlainString() + "\",\"at\":\"" + row.pgAt() + "\"}";
            BenchTable.check(json.equals(expected), "row " + json + " != " + expected);
        }
    }

    /** An Insert message as pgoutput protocol version 1 writes it: 'I', relation id, 'N', then the tuple. */
    private static byte[] insertMessage(BenchTable.Row row) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte('I');
            out.writeInt(RELATION_ID);
            out.writeByte('N');
            List<String> values = List.of(Long.toString(row.id()), row.name(), row.amount().toPlainString(),
                    row.pgAt());
            out.writeShort(values.size());
            for (String v : values) {
                byte[] text = v.getBytes(StandardCharsets.UTF_8);
                out.writeByte('t');
                out.writeInt(text.length);
                out.write(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Benchmark
    public void decode1000Inserts(Blackhole bh) {
        for (byte[] m : messages) {
            bh.consume(PgOutputDecoder.decode(ByteBuffer.wrap(m)));
        }
    }

    @Benchmark
    public void decodeToRows1000(Blackhole bh) {
        for (byte[] m : messages) {
            Insert insert = (Insert) PgOutputDecoder.decode(ByteBuffer.wrap(m));
            bh.consume(TupleRows.row(relation, insert.newTuple()));
        }
    }
}
