package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * Writes one binlog cell as the text the target column type's input function reads ({@code ValueFormat.TEXT}): exact
 * numbers, text decoded as the source converts its charset, bytes as PostgreSQL {@code bytea} hex ({@code \x0a1b}),
 * BIT as a bit string, ENUM/SET as their labels, temporal values as PostgreSQL input text (TIMESTAMP in UTC; zero
 * dates as MySQL shows them), MySQL JSON as its JSON text.
 */
final class ValueWriter {
    private static final HexFormat HEX = HexFormat.of();

    private ValueWriter() {
    }

    /** The text of {@code value}, a cell of {@code column} as the binlog connector decoded it; null for NULL. */
    static String text(SourceColumn column, Serializable value) throws IOException {
        if (value == null) {
            return null;
        }
        return switch (column.type()) {
            case TINY -> Integer.toString(column.unsigned() ? ((Integer) value) & 0xFF : (Integer) value);
            case SHORT -> Integer.toString(column.unsigned() ? ((Integer) value) & 0xFFFF : (Integer) value);
            case INT24 -> Integer.toString(column.unsigned() ? ((Integer) value) & 0xFFFFFF : (Integer) value);
            case LONG -> column.unsigned() ? Long.toString(Integer.toUnsignedLong((Integer) value))
                    : Integer.toString((Integer) value);
            case LONGLONG -> column.unsigned() ? Long.toUnsignedString((Long) value) : Long.toString((Long) value);
            // The shortest decimal that reads back as the same value; -0 keeps its sign.
            case FLOAT -> Float.toString((Float) value);
            case DOUBLE -> Double.toString((Double) value);
            case NEWDECIMAL, DECIMAL -> ((BigDecimal) value).toPlainString();
            case YEAR -> Integer.toString((Integer) value);
            // BinlogCells decoded these into their text.
            case DATE, NEWDATE, DATETIME, DATETIME_V2, TIME, TIME_V2 -> (String) value;
            // ... and TIMESTAMP, an instant, into microseconds; old-format columns carry their digits as metadata.
            case TIMESTAMP, TIMESTAMP_V2 -> TemporalText.timestamp((Long) value, column.meta());
            case BIT -> bits((BitSet) value, (column.meta() >> 8) * 8 + (column.meta() & 0xFF));
            case ENUM -> enumLabel(column, ((Number) value).intValue());
            case SET -> setLabels(column, ((Number) value).longValue());
            case STRING, VARCHAR, VAR_STRING, BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> chars(column, bytes(value));
            case JSON -> MySqlJson.text(bytes(value));
            case GEOMETRY, VECTOR -> byteaHex(bytes(value));
            default -> throw new IllegalStateException("column " + column.name() + " has binlog type "
                    + column.type() + " which mylogical does not support");
        };
    }

    private static String chars(SourceColumn column, byte[] bytes) {
        if (column.charset().isPresent()) {
            return text(column, bytes);
        }
        if (column.type() == ColumnType.STRING && bytes.length < column.length()) {
            // BINARY(n) is padded with zero bytes, which the binlog leaves out.
            byte[] padded = new byte[column.length()];
            System.arraycopy(bytes, 0, padded, 0, bytes.length);
            bytes = padded;
        }
        return byteaHex(bytes);
    }

    /**
     * The column's bytes as text. Java's Unicode decoders replace what is not valid (a lone surrogate in a ucs2
     * column, which MariaDB stores) with U+FFFD, which would change the value without a word: such bytes fail here,
     * named, instead. The conversion tables of other charsets hold only what the server itself converts to.
     */
    private static String text(SourceColumn column, byte[] bytes) {
        Charset charset = column.charset().orElseThrow();
        if (charset instanceof ConversionTableCharset table) {
            return table.decode(bytes);
        }
        String text = new String(bytes, charset);
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                throw new IllegalStateException("column " + column.name() + " holds bytes that are not "
                        + charset.name() + " text, which the target cannot hold either: " + byteaHex(bytes), e);
            }
        }
        return text;
    }

    private static byte[] bytes(Serializable value) {
        if (value instanceof byte[] b) {
            return b;
        }
        throw new IllegalStateException("expected bytes from the binlog, got " + value.getClass().getName());
    }

    static String byteaHex(byte[] bytes) {
        return "\\x" + HEX.formatHex(bytes);
    }

    static String bits(BitSet set, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = length - 1; i >= 0; i--) {
            sb.append(set.get(i) ? '1' : '0');
        }
        return sb.toString();
    }

    private static String enumLabel(SourceColumn column, int index) {
        List<String> labels = column.labels();
        if (index == 0) {
            return ""; // MySQL's "invalid value" entry
        }
        if (index > labels.size()) {
            throw new IllegalStateException("ENUM column " + column.name() + " holds index " + index + " but only "
                    + labels.size() + " values are declared");
        }
        return labels.get(index - 1);
    }

    private static String setLabels(SourceColumn column, long mask) {
        StringJoiner joined = new StringJoiner(",");
        List<String> labels = column.labels();
        for (int i = 0; i < labels.size() && i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                joined.add(labels.get(i));
            }
        }
        return joined.toString();
    }
}
