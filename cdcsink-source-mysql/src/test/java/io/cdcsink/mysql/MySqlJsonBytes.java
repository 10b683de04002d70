package io.cdcsink.mysql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds MySQL binary JSON (json_binary.h) for tests, there being no MySQL server here: values are Java objects
 * ({@code null}, Boolean, Short/Integer/Long as the signed types, {@link Unsigned} for the unsigned ones, Double,
 * String, {@link Opaque}, List, Map) and containers are written small or large as asked.
 */
final class MySqlJsonBytes {
    /** An unsigned integer of 2, 4 or 8 bytes. */
    record Unsigned(long value, int bytes) {
    }

    /** A MySQL opaque value: a field type and its bytes. */
    record Opaque(int fieldType, byte[] data) {
    }

    private final boolean large;

    private MySqlJsonBytes(boolean large) {
        this.large = large;
    }

    /** The binary JSON of {@code value}, every container in the small (2-byte) or large (4-byte) format. */
    static byte[] of(Object value, boolean large) {
        MySqlJsonBytes builder = new MySqlJsonBytes(large);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(builder.type(value));
        out.writeBytes(builder.payload(value));
        return out.toByteArray();
    }

    private int type(Object value) {
        if (value == null || value instanceof Boolean) {
            return 0x04;
        } else if (value instanceof Short) {
            return 0x05;
        } else if (value instanceof Integer) {
            return 0x07;
        } else if (value instanceof Long) {
            return 0x09;
        } else if (value instanceof Unsigned u) {
            return switch (u.bytes()) {
                case 2 -> 0x06;
                case 4 -> 0x08;
                default -> 0x0A;
            };
        } else if (value instanceof Double) {
            return 0x0B;
        } else if (value instanceof String) {
            return 0x0C;
        } else if (value instanceof Opaque) {
            return 0x0F;
        } else if (value instanceof Map) {
            return large ? 0x01 : 0x00;
        } else if (value instanceof List) {
            return large ? 0x03 : 0x02;
        }
        throw new IllegalArgumentException("not a JSON value: " + value);
    }

    /** The bytes of a value after its type byte. */
    private byte[] payload(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (value == null) {
            out.write(0);
        } else if (value instanceof Boolean b) {
            out.write(b ? 1 : 2);
        } else if (value instanceof Short s) {
            little(out, s, 2);
        } else if (value instanceof Integer i) {
            little(out, i, 4);
        } else if (value instanceof Long l) {
            little(out, l, 8);
        } else if (value instanceof Unsigned u) {
            little(out, u.value(), u.bytes());
        } else if (value instanceof Double d) {
            little(out, Double.doubleToRawLongBits(d), 8);
        } else if (value instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            variable(out, utf8.length);
            out.writeBytes(utf8);
        } else if (value instanceof Opaque o) {
            out.write(o.fieldType());
            variable(out, o.data().length);
            out.writeBytes(o.data());
        } else if (value instanceof Map<?, ?> map) {
            container(out, new ArrayList<>(map.keySet()), new ArrayList<>(map.values()));
        } else {
            container(out, null, (List<?>) value);
        }
        return out.toByteArray();
    }

    /** Count, size, key entries, value entries, keys, then the values that are not inlined. */
    private void container(ByteArrayOutputStream out, List<?> keys, List<?> values) {
        int width = large ? 4 : 2;
        int count = values.size();
        int header = 2 * width + (keys == null ? 0 : count * (width + 2)) + count * (1 + width);
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        List<int[]> keyEntries = new ArrayList<>();
        if (keys != null) {
            for (Object key : keys) {
                byte[] utf8 = ((String) key).getBytes(StandardCharsets.UTF_8);
                keyEntries.add(new int[] {header + tail.size(), utf8.length});
                tail.writeBytes(utf8);
            }
        }
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (Object value : values) {
            int type = type(value);
            entries.write(type);
            boolean inlined = type == 0x04 || type == 0x05 || type == 0x06 || (large && (type == 0x07 || type == 0x08));
            if (inlined) {
                byte[] payload = payload(value);
                entries.writeBytes(payload);
                entries.writeBytes(new byte[width - payload.length]);
            } else {
                little(entries, header + tail.size(), width);
                tail.writeBytes(payload(value));
            }
        }
        little(out, count, width);
        little(out, header + tail.size(), width);
        for (int[] key : keyEntries) {
            little(out, key[0], width);
            little(out, key[1], 2);
        }
        out.writeBytes(entries.toByteArray());
        out.writeBytes(tail.toByteArray());
    }

    private static void little(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
    }

    private static void variable(ByteArrayOutputStream out, int length) {
        do {
            int low = length & 0x7F;
            length >>>= 7;
            out.write(length == 0 ? low : low | 0x80);
        } while (length != 0);
    }

    /** An ordered JSON object for {@link #of}. */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
