package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import io.cdcsink.api.JsonText;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * MySQL's binary JSON (the JSON column of MySQL 5.7 and later; MariaDB's JSON is plain text) as JSON text in MySQL's
 * style: {@code {"a": [1, 2.5]}} with a space after each comma and colon; dates and times inside JSON as quoted
 * strings (six fractional digits); DECIMAL values with their scale; doubles as the shortest decimal that reads back as
 * the same double; other opaque values as {@code "base64:type<N>:<data>"}. An empty value is JSON {@code null}, as
 * MySQL reads it.
 *
 * <p>Written from the format MySQL documents in {@code json_binary.h}: a type byte, then objects and arrays as an
 * element count, a byte size, key entries (offset, length), value entries (type, offset or a value small enough to be
 * inlined), keys and values; offsets count from the start of the object. Small objects use 2-byte counts and
 * offsets, large ones 4. The binlog connector's own reader prints doubles as their exact binary expansion, negative
 * times without their sign, opaque values without their type, and decodes key names with the JVM's default charset.
 */
final class MySqlJson {
    private static final int SMALL_OBJECT = 0x00;
    private static final int LARGE_OBJECT = 0x01;
    private static final int SMALL_ARRAY = 0x02;
    private static final int LARGE_ARRAY = 0x03;
    private static final int LITERAL = 0x04;
    private static final int INT16 = 0x05;
    private static final int UINT16 = 0x06;
    private static final int INT32 = 0x07;
    private static final int UINT32 = 0x08;
    private static final int INT64 = 0x09;
    private static final int UINT64 = 0x0A;
    private static final int DOUBLE = 0x0B;
    private static final int STRING = 0x0C;
    private static final int OPAQUE = 0x0F;

    /** MySQL field types that opaque JSON values carry. */
    private static final int TYPE_DECIMAL = 0;
    private static final int TYPE_TIMESTAMP = 7;
    private static final int TYPE_DATE = 10;
    private static final int TYPE_TIME = 11;
    private static final int TYPE_DATETIME = 12;
    private static final int TYPE_NEWDATE = 14;
    private static final int TYPE_TIMESTAMP2 = 17;
    private static final int TYPE_DATETIME2 = 18;
    private static final int TYPE_TIME2 = 19;
    private static final int TYPE_NEWDECIMAL = 246;

    private final byte[] bytes;
    private final StringBuilder out;

    private MySqlJson(byte[] bytes, StringBuilder out) {
        this.bytes = bytes;
        this.out = out;
    }

    /** The JSON text of one binary JSON value. */
    static String text(byte[] binary) throws IOException {
        if (binary.length == 0) {
            return "null";
        }
        StringBuilder out = new StringBuilder(binary.length * 2);
        try {
            new MySqlJson(binary, out).value(binary[0] & 0xFF, 1);
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("a binary JSON value ends early: " + binary.length + " bytes", e);
        }
        return out.toString();
    }

    private void value(int type, int at) throws IOException {
        switch (type) {
            case SMALL_OBJECT -> container(at, false, true);
            case LARGE_OBJECT -> container(at, true, true);
            case SMALL_ARRAY -> container(at, false, false);
            case LARGE_ARRAY -> container(at, true, false);
            case LITERAL -> literal(bytes[at] & 0xFF);
            case INT16 -> out.append((short) unsigned(at, 2));
            case UINT16 -> out.append(unsigned(at, 2));
            case INT32 -> out.append((int) unsigned(at, 4));
            case UINT32 -> out.append(unsigned(at, 4));
            case INT64 -> out.append(unsigned(at, 8));
            case UINT64 -> out.append(Long.toUnsignedString(unsigned(at, 8)));
            case DOUBLE -> out.append(shortest(Double.longBitsToDouble(unsigned(at, 8))));
            case STRING -> {
                int[] length = variableLength(at);
                JsonText.appendString(out, new String(bytes, length[1], length[0], StandardCharsets.UTF_8));
            }
            case OPAQUE -> opaque(bytes[at] & 0xFF, at + 1);
            default -> throw new IOException("unknown binary JSON value type " + type + " at byte " + at);
        }
    }

    /** An object or array starting at {@code at} (its element count). */
    private void container(int at, boolean large, boolean object) throws IOException {
        int width = large ? 4 : 2;
        int count = (int) unsigned(at, width);
        int keyEntries = at + 2 * width;
        int valueEntries = object ? keyEntries + count * (width + 2) : keyEntries;
        out.append(object ? '{' : '[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(", ");
            }
            if (object) {
                int key = keyEntries + i * (width + 2);
                int keyAt = at + (int) unsigned(key, width);
                int keyLength = (int) unsigned(key + width, 2);
                JsonText.appendString(out, new String(bytes, keyAt, keyLength, StandardCharsets.UTF_8));
                out.append(": ");
            }
            int entry = valueEntries + i * (1 + width);
            int type = bytes[entry] & 0xFF;
            if (inlined(type, large)) {
                value(type, entry + 1);
            } else {
                value(type, at + (int) unsigned(entry + 1, width));
            }
        }
        out.append(object ? '}' : ']');
    }

    /** Values stored in the value entry itself rather than at an offset. */
    private static boolean inlined(int type, boolean large) {
        return type == LITERAL || type == INT16 || type == UINT16 || (large && (type == INT32 || type == UINT32));
    }

    private void literal(int code) throws IOException {
        out.append(switch (code) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "false";
            default -> throw new IOException("unknown binary JSON literal " + code);
        });
    }

    private void opaque(int fieldType, int at) throws IOException {
        int[] length = variableLength(at);
        int data = length[1];
        switch (fieldType) {
            case TYPE_NEWDECIMAL, TYPE_DECIMAL -> {
                int precision = bytes[data] & 0xFF;
                int scale = bytes[data + 1] & 0xFF;
                byte[] digits = Arrays.copyOfRange(bytes, data + 2, data + length[0]);
                out.append(AbstractRowsEventDataDeserializer.asBigDecimal(precision, scale, digits).toPlainString());
            }
            case TYPE_DATE, TYPE_NEWDATE -> datetime(unsigned(data, 8), true);
            case TYPE_DATETIME, TYPE_DATETIME2, TYPE_TIMESTAMP, TYPE_TIMESTAMP2 -> datetime(unsigned(data, 8), false);
            case TYPE_TIME, TYPE_TIME2 -> time(unsigned(data, 8));
            default -> JsonText.appendString(out, "base64:type" + fieldType + ":"
                    + Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, data, data + length[0])));
        }
    }

    /** MySQL's packed datetime: (year-month-day << 17 | hour-minute-second) << 24 | microseconds. */
    private void datetime(long packed, boolean dateOnly) {
        long whole = packed >> 24;
        long ymd = whole >> 17;
        long hms = whole & 0x1FFFF;
        long yearMonth = ymd >> 5;
        int year = (int) (yearMonth / 13);
        int month = (int) (yearMonth % 13);
        int day = (int) (ymd & 0x1F);
        JsonText.appendString(out, dateOnly ? TemporalText.date(year, month, day)
                : TemporalText.datetime(year, month, day, (int) (hms >> 12), (int) ((hms >> 6) & 0x3F),
                (int) (hms & 0x3F), (int) (packed & 0xFF_FFFF), 6));
    }

    /** MySQL's packed time: (hour << 12 | minute << 6 | second) << 24 | microseconds, negated when negative. */
    private void time(long packed) {
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        JsonText.appendString(out, TemporalText.time(packed < 0, (int) ((hms >> 12) & 0x3FF),
                (int) ((hms >> 6) & 0x3F), (int) (hms & 0x3F), (int) (abs & 0xFF_FFFF), 6));
    }

    /**
     * The shortest decimal that reads back as {@code value}, in MySQL's style: {@code 2.5}, {@code 1.0} for an
     * integral double, {@code 1e300} and {@code 1.5e-7} outside [1e-4, 1e15).
     */
    static String shortest(double value) {
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(value);
        BigDecimal digits = exact;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                digits = rounded;
                break;
            }
        }
        BigDecimal unscaled = digits.stripTrailingZeros();
        int exponent = unscaled.precision() - unscaled.scale() - 1;
        if (exponent >= -4 && exponent < 15) {
            String plain = unscaled.toPlainString();
            return plain.indexOf('.') < 0 ? plain + ".0" : plain;
        }
        String mantissa = unscaled.movePointLeft(exponent).toPlainString();
        return mantissa + "e" + exponent;
    }

    /** A length in MySQL's variable encoding (7 bits a byte, low bits first): {length, offset after it}. */
    private int[] variableLength(int at) throws IOException {
        int length = 0;
        for (int i = 0; i < 5; i++) {
            int b = bytes[at + i] & 0xFF;
            length |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return new int[] {length, at + i + 1};
            }
        }
        throw new IOException("a binary JSON length at byte " + at + " runs over 5 bytes");
    }

    /** {@code width} bytes little-endian at {@code at}. */
    private long unsigned(int at, int width) {
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
