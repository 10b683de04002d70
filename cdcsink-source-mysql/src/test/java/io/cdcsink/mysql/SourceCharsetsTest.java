package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Charsets decode as the source converts: the built-in latin1, and tables read from a server (here a fake one whose
 * conversions follow MariaDB's sjis where Java's Shift_JIS differs, and an EUC-style 3-byte plane).
 */
class SourceCharsetsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void latin1IsCp1252WithTheUndefinedBytesAsC1Controls() {
        Charset latin1 = SourceCharsets.builtIn().forName("latin1", "t.c").orElseThrow();
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        String text = new String(all, latin1);
        assertThat(text).hasSize(256).doesNotContain("\uFFFD");
        assertThat(text.substring(0x80, 0xA0)).isEqualTo("\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6"
                + "\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC"
                + "\u2122\u0161\u203A\u0153\u009D\u017E\u0178");
        assertThat(text.substring(0xA0)).isEqualTo(new String(all, 0xA0, 0x60, StandardCharsets.ISO_8859_1));
        assertThat(((ConversionTableCharset) latin1).decode(all)).isEqualTo(text);
    }

    @Test
    void unicodeCharsetsUseJavasDecodersAndBinaryHasNone() {
        SourceCharsets charsets = SourceCharsets.builtIn();
        assertThat(charsets.forName("utf8mb4", "c")).contains(StandardCharsets.UTF_8);
        assertThat(charsets.forName("UTF8MB3", "c")).contains(StandardCharsets.UTF_8);
        assertThat(charsets.forName("ucs2", "c")).contains(StandardCharsets.UTF_16BE);
        assertThat(charsets.forName("utf16le", "c")).contains(StandardCharsets.UTF_16LE);
        assertThat(charsets.forName("binary", "c")).isEmpty();
        assertThatThrownBy(() -> charsets.forName("sjis", "db.t.c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("db.t.c").hasMessageContaining("sjis");
    }

    @Test
    void tablesFromTheServerDecodeTheLongestSequenceItKnows() {
        FakeServer server = new FakeServer();
        Charset sjis = SourceCharsets.fromServer(server).forName("sjis", "c").orElseThrow();
        // 815F: the server's sjis has U+005C where Java's Shift_JIS has U+FF3C; A1 is a one-byte katakana; 8FA1A1
        // a three-byte sequence; 81 alone (cut short) and 817F (no such sequence) fall back to single bytes.
        assertThat(new String(HEX.parseHex("41815FA18FA1A1"), sjis)).isEqualTo("A\\\uFF61\u4E9C");
        assertThat(new String(HEX.parseHex("817F81"), sjis)).isEqualTo("?\u007F?");
        assertThat(((ConversionTableCharset) sjis).decode(HEX.parseHex("815F8FA1A181"))).isEqualTo("\\\u4E9C?");
        // Read once (its length, its single bytes, its sequences), then kept.
        FakeServer counted = new FakeServer();
        SourceCharsets charsets = SourceCharsets.fromServer(counted);
        charsets.forName("sjis", "a");
        charsets.forName("sjis", "b");
        assertThat(counted.calls).isEqualTo(3);
    }

    @Test
    void aServerThatCannotConvertFailsNamingTheColumn() {
        SourceCharsets charsets = SourceCharsets.fromServer(new SourceCharsets.Server() {
            @Override
            public int maxLength(String charset) throws SQLException {
                throw new SQLException("connection refused");
            }

            @Override
            public List<String> convert(String charset, List<byte[]> values) {
                throw new AssertionError();
            }
        });
        assertThatThrownBy(() -> charsets.forName("koi8r", "db.t.c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("koi8r").hasMessageContaining("db.t.c").hasMessageContaining("connection refused");
    }

    /** Converts as a multi-byte server would: ASCII, a katakana byte, two 2-byte and one 3-byte sequence. */
    private static final class FakeServer implements SourceCharsets.Server {
        private final Map<String, String> known = Map.of("815f", "\\", "8140", "\u3000", "8fa1a1", "\u4E9C",
                "a1", "\uFF61");
        private int calls;

        @Override
        public int maxLength(String charset) {
            calls++;
            return 3;
        }

        @Override
        public List<String> convert(String charset, List<byte[]> values) {
            calls++;
            List<String> out = new ArrayList<>();
            for (byte[] value : values) {
                String hex = HEX.formatHex(value);
                if (known.containsKey(hex)) {
                    out.add(known.get(hex));
                } else if (value.length == 1) {
                    out.add((value[0] & 0xFF) < 0x80 ? String.valueOf((char) value[0]) : "?");
                } else {
                    // Not a sequence: the lead byte alone, then the rest as the server would read it.
                    out.add("?" + new String(value, 1, value.length - 1, StandardCharsets.ISO_8859_1));
                }
            }
            return out;
        }
    }
}
