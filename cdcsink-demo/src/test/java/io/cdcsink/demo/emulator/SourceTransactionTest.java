package io.cdcsink.demo.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTransactionTest {
    @Test
    void severalChangesOfOneRowCollapseIntoTheLast() {
        SourceTransaction tx = new SourceTransaction(new Hlc(5, 0), List.of(
                RowChange.upsert("t", "[3]", "{\"k\":3,\"v\":\"a\"}"),
                RowChange.upsert("t", "[4]", "{\"k\":4,\"v\":\"b\"}"),
                RowChange.delete("t", " [3]"),
                RowChange.upsert("u", "[3]", "{\"k\":3}")));
        assertThat(tx.changes()).containsExactly(
                RowChange.upsert("t", "[4]", "{\"k\":4,\"v\":\"b\"}"),
                RowChange.delete("t", " [3]"),
                RowChange.upsert("u", "[3]", "{\"k\":3}"));
    }
}
