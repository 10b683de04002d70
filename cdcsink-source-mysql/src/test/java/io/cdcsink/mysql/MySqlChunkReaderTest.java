package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MySqlChunkReaderTest {
    private static SnapshotColumn column(String name, SnapshotColumn.Kind kind) {
        return new SnapshotColumn(name, kind, 0, 0, false, Optional.empty(), null, null);
    }

    @Test
    void copyTextEscapesBackslashTabNewlineAndCarriageReturnAndWritesNullAsBackslashN() throws Exception {
        MySqlChunkReader.CopyLines lines = new MySqlChunkReader.CopyLines(16);
        lines.value(false, "a\\b\tc\nd\re");
        lines.value(true, null);
        lines.value(true, "\u00e9\uD83C\uDF89x");
        lines.value(true, "");
        lines.endRow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lines.flush(out::write);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\\\\b\\tc\\nd\\re\t\\N\t\u00e9\uD83C\uDF89x\t\n");
        assertThat(lines.size()).isZero();
    }

    @Test
    void aLongValueGrowsTheBuffer() throws Exception {
        MySqlChunkReader.CopyLines lines = new MySqlChunkReader.CopyLines(4);
        String big = "x".repeat(10_000);
        lines.value(false, big);
        lines.endRow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lines.flush(out::write);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(big + "\n");
    }

    @Test
    void keyComparisonIsSpeltOutColumnByColumnWithAFirstColumnBound() {
        List<SnapshotColumn> key = List.of(column("a", SnapshotColumn.Kind.INTEGER),
                column("b`c", SnapshotColumn.Kind.BYTES));
        List<String> params = new ArrayList<>();
        assertThat(MySqlChunkReader.compare(key, List.of("1", "FF"), true, params)).isEqualTo(
                "(`a` >= CAST(? AS SIGNED) AND ((`a` > CAST(? AS SIGNED)) OR (`a` = CAST(? AS SIGNED) AND"
                        + " `b``c` > UNHEX(?))))");
        assertThat(params).containsExactly("1", "1", "1", "FF");
        params.clear();
        assertThat(MySqlChunkReader.compare(key, List.of("2", "00"), false, params)).isEqualTo(
                "(`a` <= CAST(? AS SIGNED) AND ((`a` < CAST(? AS SIGNED)) OR (`a` = CAST(? AS SIGNED) AND"
                        + " `b``c` <= UNHEX(?))))");
        assertThat(params).containsExactly("2", "2", "2", "00");
    }

    @Test
    void aSingleColumnKeyComparesInclusivelyOnlyAtTheUpperEnd() {
        List<SnapshotColumn> key = List.of(column("k", SnapshotColumn.Kind.DATE));
        List<String> params = new ArrayList<>();
        assertThat(MySqlChunkReader.compare(key, List.of("2020-01-01"), true, params))
                .isEqualTo("(`k` >= CAST(? AS DATE) AND ((`k` > CAST(? AS DATE))))");
        assertThat(MySqlChunkReader.compare(key, List.of("2020-01-01"), false, params))
                .isEqualTo("(`k` <= CAST(? AS DATE) AND ((`k` <= CAST(? AS DATE))))");
    }
}
