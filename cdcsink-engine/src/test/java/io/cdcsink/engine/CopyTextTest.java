package io.cdcsink.engine;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
    void unescapeUndoesEscapeExactlyAndRefusesWhatEscapeNeverWrites() {
        for (String value : List.of("", "plain", "a\tb\nc\rd\\e", "\\N", "\\.", "\t\t", "\\\\",
                "caf\u00e9 \ud83d\ude00 \"q\"", "\\t is not a tab")) {
            String escaped = "<" + CopyText.escape(new StringBuilder(), value) + ">";
            assertThat(CopyText.unescape(escaped, 1, escaped.length() - 1)).isEqualTo(value);
        }
        assertThatThrownBy(() -> CopyText.unescape("a\\", 0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends");
        assertThatThrownBy(() -> CopyText.unescape("\\x", 0, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theInputProducesEveryLineInOrderAsUtf8WhateverTheBufferSize() throws IOException {
        List<Integer> rows = IntStream.range(0, 20_000).boxed().toList();
        CopyText.Lines<Integer> lines = (text, row) -> {
            text.append(row).append('\t').append(row % 3 == 0 ? "caf\u00e9 \ud83d\ude00" : "v").append(row).append('\n');
            return true;
        };
        StringBuilder expected = new StringBuilder();
        rows.forEach(r -> lines.append(expected, r));
        for (int buffer : new int[] {1, 7, 4096, 65536}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream input = CopyText.input(rows, lines)) {
                byte[] bytes = new byte[buffer];
                for (int n = input.read(bytes); n >= 0; n = input.read(bytes)) {
                    out.write(bytes, 0, n);
                }
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).as("buffer " + buffer).isEqualTo(expected.toString());
        }
        try (InputStream input = CopyText.input(List.of(1), lines)) {
            assertThat(input.read(new byte[4], 0, 0)).isZero();
            assertThat(input.read()).isEqualTo('1');
        }
    }

    @Test
    void aRefusedRowFailsTheInputWithNotCopyable() {
        InputStream input = CopyText.input(List.of(1, 2, 3),
                (text, row) -> row != 2 && text.append(row).append('\n') != null);
        byte[] bytes = new byte[1];
        assertThatThrownBy(() -> {
            while (input.read(bytes) >= 0) {
                // drain
            }
        }).isInstanceOf(IOException.class).hasCauseInstanceOf(CopyText.NotCopyable.class);
    }
}
