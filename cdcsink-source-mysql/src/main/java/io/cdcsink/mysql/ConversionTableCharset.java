package io.cdcsink.mysql;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.util.Arrays;
import java.util.Map;

/**
 * A decode-only charset that maps byte sequences to text through a table: the source server's own conversion of
 * every character of a MySQL charset ({@link SourceCharsets}). At each position the longest sequence of 2 or 3 bytes
 * the table knows wins, otherwise the single byte's entry. Input is taken as a whole value: a sequence cut short by
 * the end of the input decodes byte by byte, as the server converts such a lone lead byte.
 */
final class ConversionTableCharset extends Charset {
    private final String[] singles;
    private final Map<Integer, String> sequences;
    /** Per first byte, the longest sequence (2 or 3 bytes) starting with it, 1 if none. */
    private final int[] longest = new int[256];
    /** For a table of single bytes that each become one char: that char; else null. */
    private final char[] singleChars;

    /**
     * @param singles   the text of each byte on its own, 256 entries
     * @param sequences the text of multi-byte sequences, keyed by {@link #key}
     */
    ConversionTableCharset(String mysqlName, String[] singles, Map<Integer, String> sequences) {
        super("x-mysql-" + mysqlName, null);
        if (singles.length != 256) {
            throw new IllegalArgumentException("a conversion table needs 256 single-byte entries");
        }
        this.singles = singles.clone();
        this.sequences = Map.copyOf(sequences);
        Arrays.fill(longest, 1);
        for (int key : this.sequences.keySet()) {
            int length = key >>> 24;
            int first = (key >>> (8 * (length - 1))) & 0xFF;
            longest[first] = Math.max(longest[first], length);
        }
        char[] chars = new char[256];
        for (int b = 0; b < 256 && chars != null; b++) {
            if (this.singles[b].length() == 1) {
                chars[b] = this.singles[b].charAt(0);
            } else {
                chars = null;
            }
        }
        this.singleChars = this.sequences.isEmpty() ? chars : null;
    }

    /**
     * The text of a whole value: what {@code new String(bytes, this)} gives, without a decoder per value (latin1,
     * MariaDB's default charset, is decoded for every such cell of every row).
     */
    String decode(byte[] bytes) {
        if (singleChars != null) {
            char[] out = new char[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                out[i] = singleChars[bytes[i] & 0xFF];
            }
            return new String(out);
        }
        StringBuilder out = new StringBuilder(bytes.length);
        int at = 0;
        while (at < bytes.length) {
            at += append(out, bytes, at);
        }
        return out.toString();
    }

    /** Appends the text of the sequence at {@code at}: the longest the table knows, else the single byte's. */
    private int append(StringBuilder out, byte[] bytes, int at) {
        int first = bytes[at] & 0xFF;
        for (int length = Math.min(longest[first], bytes.length - at); length >= 2; length--) {
            String text = sequences.get(key(bytes, at, length));
            if (text != null) {
                out.append(text);
                return length;
            }
        }
        out.append(singles[first]);
        return 1;
    }

    /** The table key of a sequence of 2 or 3 bytes. */
    static int key(byte[] bytes, int from, int length) {
        int key = length << 24;
        for (int i = 0; i < length; i++) {
            key |= (bytes[from + i] & 0xFF) << (8 * (length - 1 - i));
        }
        return key;
    }

    @Override
    public boolean contains(Charset cs) {
        return cs == this;
    }

    @Override
    public boolean canEncode() {
        return false;
    }

    @Override
    public CharsetDecoder newDecoder() {
        return new Decoder();
    }

    @Override
    public CharsetEncoder newEncoder() {
        throw new UnsupportedOperationException(name() + " only decodes");
    }

    /** Decodes what it is given as whole values (see the class comment), through {@link #decode}. */
    private final class Decoder extends CharsetDecoder {
        Decoder() {
            super(ConversionTableCharset.this, 1f, 2f);
        }

        @Override
        protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
            byte[] bytes = new byte[in.remaining()];
            in.mark();
            in.get(bytes);
            String text = ConversionTableCharset.this.decode(bytes);
            if (out.remaining() < text.length()) {
                in.reset();
                return CoderResult.OVERFLOW;
            }
            out.put(text);
            return CoderResult.UNDERFLOW;
        }
    }
}
