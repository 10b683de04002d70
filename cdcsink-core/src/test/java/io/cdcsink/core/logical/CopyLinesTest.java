package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.engine.CopyText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CopyLinesTest {
    private static List<List<String>> read(int columns, byte[] text, int piece) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        CopyLines lines = new CopyLines(columns, v -> rows.add(Arrays.asList(v)));
        for (int i = 0; i < text.length; i += piece) {
            lines.write(text, i, Math.min(piece, text.length - i));
        }
        assertThat(lines.finish()).isEqualTo(rows.size());
        return rows;
    }

    @Test
    void readsNullsTabsNewlinesAndPostgresEscapes() throws Exception {
        String text = "1\t\\N\tplain\n"
                + "2\ta\\tb\\nc\\\\d\\re\t\\b\\f\\v\n"
                + "3\t\\101\\x42\\q\t\\303\\251\n"; // octal and hex bytes, an unknown escape, é as two octal bytes
        List<List<String>> rows = read(3, text.getBytes(StandardCharsets.UTF_8), 5);
        assertThat(rows).containsExactly(
                Arrays.asList("1", null, "plain"),
                List.of("2", "a\tb\nc\\d\re", "\b\f\u000b"),
                List.of("3", "ABq", "é"));
    }

    /** Values written with the escapes every source uses come back unchanged, whatever pieces the bytes come in. */
    @Test
    void readsBackWhatCopyTextWrites() throws Exception {
        long seed = System.nanoTime();
        System.out.println("CopyLinesTest seed " + seed);
        Random random = new Random(seed);
        String alphabet = "ab\\\t\n\r N é€😀\u0000x";
        List<List<String>> expected = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < 300; r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String v;
                if (random.nextInt(6) == 0) {
                    v = null;
                } else {
                    StringBuilder b = new StringBuilder();
                    int n = random.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                                random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
                    }
                    v = b.toString();
                }
                row.add(v);
                text.append(c == 0 ? "" : "\t");
                if (v == null) {
                    text.append(CopyText.NULL);
                } else {
                    CopyText.escape(text, v);
                }
            }
            text.append('\n');
            expected.add(row);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(read(4, bytes, 1 + random.nextInt(100))).as("seed %d", seed).isEqualTo(expected);
        assertThat(read(4, bytes, bytes.length)).as("seed %d", seed).isEqualTo(expected);
    }

    @Test
    void refusesRowsOfTheWrongWidthAndATextEndingInsideARow() throws Exception {
        assertThatThrownBy(() -> read(3, "1\t2\n".getBytes(StandardCharsets.UTF_8), 10))
                .hasMessageContaining("has 2 values, not 3");
        assertThatThrownBy(() -> read(1, "1\t2\n".getBytes(StandardCharsets.UTF_8), 10))
                .hasMessageContaining("more than 1 values");
        assertThatThrownBy(() -> read(1, "1\n2".getBytes(StandardCharsets.UTF_8), 10))
                .hasMessageContaining("ends inside a row");
    }
}
