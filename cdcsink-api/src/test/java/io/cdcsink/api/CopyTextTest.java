package io.cdcsink.api;

import static org.assertj.core.api.Assertions.assertThat;

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
}
