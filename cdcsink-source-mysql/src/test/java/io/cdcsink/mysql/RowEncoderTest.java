package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Binlog row images as source rows: each value the exact text the target reads, whatever the strings hold. */
class RowEncoderTest {
    private static SourceColumn column(String name, ColumnType type, boolean unsigned) {
        return new SourceColumn(name, type, 0, 0, unsigned, Optional.empty(), List.of());
    }

    private static SourceColumn text(String name) {
        return new SourceColumn(name, ColumnType.VARCHAR, 80, 0, false, Optional.of(StandardCharsets.UTF_8),
                List.of());
    }

    private static BitSet all(int n) {
        BitSet b = new BitSet();
        b.set(0, n);
        return b;
    }

    @Test
    void writesNumbersExactlyAndKeysInKeyOrder() throws Exception {
        SourceTable table = new SourceTable("db", "t", new TableName("target", "public", "t"), List.of(
                column("f", ColumnType.FLOAT, false), column("d", ColumnType.DOUBLE, false),
                column("u", ColumnType.LONGLONG, true), column("s", ColumnType.LONGLONG, false),
                column("i", ColumnType.LONG, true), text("name"), column("n", ColumnType.LONG, false),
                column("z", ColumnType.DOUBLE, false)),
                List.of(3, 5));
        SourceRow row = new RowEncoder().encode(table, all(8), new Serializable[] {0.1f, 1e300, -1L,
                Long.MIN_VALUE, -2, "k\u00e9y".getBytes(StandardCharsets.UTF_8), null, -0.0});
        assertThat(row.keyJson()).isEqualTo("[\"-9223372036854775808\",\"k\u00e9y\"]");
        assertThat(row.toString()).isEqualTo("{\"f\":\"0.1\",\"d\":\"1.0E300\",\"u\":\"18446744073709551615\","
                + "\"s\":\"-9223372036854775808\",\"i\":\"4294967294\",\"name\":\"k\u00e9y\",\"n\":null,"
                + "\"z\":\"-0.0\"}");
        assertThat(Double.parseDouble(row.value(1))).isEqualTo(1e300);
    }

    @Test
    void leavesOutColumnsTheImageDoesNotInclude() throws Exception {
        SourceTable table = new SourceTable("db", "t", new TableName("target", "public", "t"), List.of(
                column("id", ColumnType.LONG, false), text("a"), text("b")), List.of(0));
        BitSet included = new BitSet();
        included.set(0);
        included.set(2);
        SourceRow row = new RowEncoder().encode(table, included, new Serializable[] {7, "x".getBytes()});
        assertThat(row.toString()).isEqualTo("{\"id\":\"7\",\"b\":\"x\"}");
        assertThat(row.absent(1)).isTrue();
        assertThat(row.keyJson()).isEqualTo("[\"7\"]");

        BitSet withoutKey = new BitSet();
        withoutKey.set(1);
        assertThatThrownBy(() -> new RowEncoder().encode(table, withoutKey, new Serializable[] {"x".getBytes()}))
                .hasMessageContaining("lacks key column id").hasMessageContaining("binlog_row_image=FULL");
    }

    @Test
    void anyTextInNamesAndValuesArrivesAsItIs() throws Exception {
        Random random = new Random(11);
        RowEncoder encoder = new RowEncoder();
        for (int round = 0; round < 2_000; round++) {
            String name = randomText(random);
            String value = randomText(random);
            SourceTable table = new SourceTable("db", "t", new TableName("target", "public", "t"),
                    List.of(column("id", ColumnType.LONG, false), text(name.isEmpty() ? "x" : name)), List.of(0));
            SourceRow row = encoder.encode(table, all(2), new Serializable[] {round,
                    value.getBytes(StandardCharsets.UTF_8)});
            assertThat(row.shape().column(1)).isEqualTo(name.isEmpty() ? "x" : name);
            assertThat(row.value(1)).isEqualTo(new String(value.getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            assertThat(row.value(0)).isEqualTo(Integer.toString(round));
        }
    }

    @Test
    void decimalsKeepEveryDigit() throws Exception {
        SourceTable table = new SourceTable("db", "t", new TableName("target", "public", "t"), List.of(
                column("id", ColumnType.LONG, false), column("amount", ColumnType.NEWDECIMAL, false)), List.of(0));
        SourceRow row = new RowEncoder().encode(table, all(2), new Serializable[] {1,
                new BigDecimal("12345678901234567890.000000001")});
        assertThat(row.value(1)).isEqualTo("12345678901234567890.000000001");
    }

    private static String randomText(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(switch (random.nextInt(6)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> '"';
                case 2 -> '\\';
                case 3 -> (char) (0x80 + random.nextInt(0x700));
                default -> (char) (0x20 + random.nextInt(0x5f));
            });
        }
        return sb.toString();
    }
}
