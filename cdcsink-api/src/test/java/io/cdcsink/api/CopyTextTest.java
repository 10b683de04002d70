package io.cdcsink.api;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CopyTextTest {
    @Test
    void escapesWhatEndsAColumnOrARowAndTheEscapeCharacter() {
        assertThat(CopyText.escape(new StringBuilder(), "a\tb\nc\rd\\e").toString())
                .isEqualTo("a\\tb\\nc\\rd\\\\e");
        assertThat(CopyText.escape(new StringBuilder(), "\\N").toString()).as("a text that reads as NULL unescaped")
                .isEqualTo("\\\\N");
        assertThat(CopyText.escape(new StringBuilder(), "\\.").toString()).as("the end-of-data marker")
                .isEqualTo("\\\\.");
        assertThat(CopyText.escape(new StringBuilder("x"), "caf\u00e9 \ud83d\ude00 \"q\"").toString())
                .isEqualTo("xcaf\u00e9 \ud83d\ude00 \"q\"");
    }

    @Test
    void theReaderProducesEveryLineInOrderWhateverTheBufferSize() throws IOException {
        List<Integer> rows = IntStream.range(0, 20_000).boxed().toList();
        CopyText.Lines<Integer> lines = (text, row) -> {
            text.append(row).append('\t').append("v").append(row).append('\n');
            return true;
        };
        StringBuilder expected = new StringBuilder();
        rows.forEach(r -> lines.append(expected, r));
        for (int buffer : new int[] {1, 7, 4096, 65536}) {
            StringWriter out = new StringWriter();
            try (Reader reader = CopyText.reader(rows, lines)) {
                char[] chars = new char[buffer];
                for (int n = reader.read(chars); n >= 0; n = reader.read(chars)) {
                    out.write(chars, 0, n);
                }
            }
            assertThat(out.toString()).as("buffer " + buffer).isEqualTo(expected.toString());
        }
    }

    @Test
    void aRefusedRowFailsTheReaderWithNotCopyable() {
        Reader reader = CopyText.reader(List.of(1, 2, 3), (text, row) -> row != 2 && text.append(row).append('\n') != null);
        char[] chars = new char[1];
        assertThatThrownBy(() -> {
            while (reader.read(chars) >= 0) {
                // drain
            }
        }).isInstanceOf(IOException.class).hasCauseInstanceOf(CopyText.NotCopyable.class);
    }
}
