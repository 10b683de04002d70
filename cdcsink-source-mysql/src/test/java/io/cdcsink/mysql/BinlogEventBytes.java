package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds binlog events as bytes (v4 header, no checksum), for tests of the deserializers on events no server here
 * writes: MySQL's v2 row events, compressed transactions, names and labels outside ASCII.
 */
final class BinlogEventBytes {
    private static final int TABLE_ID = 7;

    /** One column of a table map: type code, metadata as the binlog stores it, name. */
    record Column(ColumnType type, int meta, String name) {
    }

    private BinlogEventBytes() {
    }

    /** A whole event: 19-byte header and data. */
    static byte[] event(EventType type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        little(out, 1_700_000_000L, 4);
        out.write(code(type));
        little(out, 1, 4);
        little(out, 19 + data.length, 4);
        little(out, 0, 4);
        little(out, 0, 2);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static int code(EventType type) {
        return switch (type) {
            case TABLE_MAP -> 19;
            case WRITE_ROWS -> 23;
            case EXT_WRITE_ROWS -> 30;
            case TRANSACTION_PAYLOAD -> 40;
            default -> throw new IllegalArgumentException("no code for " + type);
        };
    }

    /**
     * A TABLE_MAP of table id 7 with full row metadata: column names, the first column as primary key, one collation
     * for every character column and one for every ENUM/SET column, and the labels of ENUM and SET columns.
     */
    static byte[] tableMap(String database, String table, List<Column> columns, int charCollation,
                           int enumSetCollation, Charset labelCharset, List<List<String>> enumLabels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        little(out, TABLE_ID, 6);
        little(out, 0, 2);
        name(out, database);
        name(out, table);
        packed(out, columns.size());
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        int characterColumns = 0;
        int enumSetColumns = 0;
        for (Column c : columns) {
            ColumnType stored = c.type() == ColumnType.ENUM || c.type() == ColumnType.SET ? ColumnType.STRING : c.type();
            out.write(stored.getCode());
            switch (stored) {
                case FLOAT, DOUBLE, BLOB, JSON, GEOMETRY, TIME_V2, DATETIME_V2, TIMESTAMP_V2 -> meta.write(c.meta());
                case BIT, VARCHAR, NEWDECIMAL -> little(meta, c.meta(), 2);
                case STRING -> {
                    int real = c.type() == ColumnType.STRING ? (ColumnType.STRING.getCode() << 8) | c.meta()
                            : (c.type().getCode() << 8) | c.meta();
                    meta.write(real >> 8);
                    meta.write(real & 0xFF);
                }
                default -> {
                }
            }
            boolean character = switch (c.type()) {
                case STRING, VARCHAR, VAR_STRING, BLOB -> true;
                default -> false;
            };
            characterColumns += character ? 1 : 0;
            enumSetColumns += c.type() == ColumnType.ENUM || c.type() == ColumnType.SET ? 1 : 0;
        }
        packed(out, meta.size());
        out.writeBytes(meta.toByteArray());
        out.writeBytes(allSet(columns.size())); // every column nullable
        field(out, 1, new byte[(columns.size() + 7) / 8]); // signedness: all signed
        field(out, 3, repeat(charCollation, characterColumns));
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (Column c : columns) {
            string(names, c.name().getBytes(StandardCharsets.UTF_8));
        }
        field(out, 4, names.toByteArray());
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        for (List<String> column : enumLabels) {
            packed(labels, column.size());
            for (String label : column) {
                string(labels, label.getBytes(labelCharset));
            }
        }
        field(out, 6, labels.toByteArray());
        ByteArrayOutputStream key = new ByteArrayOutputStream();
        packed(key, 0);
        field(out, 8, key.toByteArray());
        field(out, 11, repeat(enumSetCollation, enumSetColumns));
        return out.toByteArray();
    }

    /** A row event of table id 7 with every column included; each row is its null bitmap and cells. */
    static byte[] writeRows(boolean v2, int columns, List<byte[]> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        little(out, TABLE_ID, 6);
        little(out, 0, 2);
        if (v2) {
            little(out, 2, 2); // extra data: just its own length
        }
        packed(out, columns);
        out.writeBytes(allSet(columns));
        for (byte[] row : rows) {
            out.writeBytes(new byte[(columns + 7) / 8]); // no nulls
            out.writeBytes(row);
        }
        return out.toByteArray();
    }

    /** MySQL's compressed transaction: size, compression (zstd) and uncompressed size fields, then the payload. */
    static byte[] payload(byte[] compressed, int uncompressedSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        packedField(out, 1, compressed.length);
        packedField(out, 2, 0);
        packedField(out, 3, uncompressedSize);
        out.write(0);
        out.writeBytes(compressed);
        return out.toByteArray();
    }

    private static void packedField(ByteArrayOutputStream out, int type, int value) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        packed(v, value);
        packed(out, type);
        packed(out, v.size());
        out.writeBytes(v.toByteArray());
    }

    private static byte[] allSet(int bits) {
        byte[] bitmap = new byte[(bits + 7) / 8];
        for (int i = 0; i < bits; i++) {
            bitmap[i / 8] |= (byte) (1 << (i % 8));
        }
        return bitmap;
    }

    private static byte[] repeat(int collation, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
            packed(out, collation);
        }
        return out.toByteArray();
    }

    private static void name(ByteArrayOutputStream out, String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        out.write(utf8.length);
        out.writeBytes(utf8);
        out.write(0);
    }

    private static void field(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        packed(out, value.length);
        out.writeBytes(value);
    }

    private static void string(ByteArrayOutputStream out, byte[] bytes) {
        packed(out, bytes.length);
        out.writeBytes(bytes);
    }

    /** MySQL's length-encoded integer, for values below 2^16. */
    static void packed(ByteArrayOutputStream out, int value) {
        if (value < 251) {
            out.write(value);
        } else {
            out.write(252);
            little(out, value, 2);
        }
    }

    static void little(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
    }

    /** Concatenates byte arrays. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static List<byte[]> rows(byte[]... rows) {
        return new ArrayList<>(List.of(rows));
    }
}
