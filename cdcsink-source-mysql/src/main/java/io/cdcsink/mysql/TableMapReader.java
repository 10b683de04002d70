package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cdcsink.api.TableName;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a TABLE_MAP event (written with {@code binlog_row_metadata=FULL}) into a {@link SourceTable}. */
final class TableMapReader {
    private final String targetDatabase;
    private final String targetSchema;
    private final Collations collations;

    TableMapReader(String targetDatabase, String targetSchema, Collations collations) {
        this.targetDatabase = targetDatabase;
        this.targetSchema = targetSchema;
        this.collations = collations;
    }

    SourceTable read(TableMapEventData map) {
        String qualified = map.getDatabase() + "." + map.getTable();
        TableMapEventMetadata metadata = map.getEventMetadata();
        byte[] rawTypes = map.getColumnTypes();
        int[] rawMeta = map.getColumnMetadata();
        if (metadata == null || metadata.getColumnNames() == null
                || metadata.getColumnNames().size() != rawTypes.length) {
            throw new IllegalStateException("the binlog does not carry column names for " + qualified
                    + ": set binlog_row_metadata=FULL on the source (SET GLOBAL binlog_row_metadata = FULL, and "
                    + "--binlog-row-metadata=FULL in the server options)");
        }
        ColumnType[] types = new ColumnType[rawTypes.length];
        int[] lengths = new int[rawTypes.length];
        for (int i = 0; i < rawTypes.length; i++) {
            resolveType(rawTypes[i] & 0xFF, rawMeta[i], i, types, lengths);
        }
        List<Integer> charColumnCollations = characterCollations(metadata, types, false);
        List<Integer> enumSetCollations = characterCollations(metadata, types, true);
        BitSet unsignedBits = metadata.getSignedness() == null ? new BitSet() : metadata.getSignedness();
        List<SourceColumn> columns = new ArrayList<>();
        int charIndex = 0;
        int enumIndex = 0;
        int setIndex = 0;
        for (int i = 0; i < types.length; i++) {
            String name = metadata.getColumnNames().get(i);
            String label = qualified + "." + name;
            Optional<Charset> charset = Optional.empty();
            List<String> labels = List.of();
            if (SourceColumn.isCharacter(types[i])) {
                int collation = charIndex < charColumnCollations.size() ? charColumnCollations.get(charIndex)
                        : Collations.BINARY;
                charIndex++;
                charset = collations.charset(collation, label);
            } else if (types[i] == ColumnType.ENUM || types[i] == ColumnType.SET) {
                int index = enumIndex + setIndex;
                Optional<Charset> labelCharset = index < enumSetCollations.size()
                        ? collations.charset(enumSetCollations.get(index), label) : Optional.empty();
                labels = types[i] == ColumnType.ENUM
                        ? labels(map, true, metadata.getEnumStrValues(), enumIndex++, labelCharset, label)
                        : labels(map, false, metadata.getSetStrValues(), setIndex++, labelCharset, label);
            }
            columns.add(new SourceColumn(name, types[i], rawMeta[i], lengths[i], unsignedBits.get(i), charset,
                    labels));
        }
        return new SourceTable(map.getDatabase(), map.getTable(),
                new TableName(targetDatabase, targetSchema, map.getTable()), columns, keyColumns(metadata));
    }

    /** CHAR columns carry their real type (ENUM, SET, or CHAR with a long length) in the metadata. */
    private static void resolveType(int code, int meta, int i, ColumnType[] types, int[] lengths) {
        if (code == ColumnType.STRING.getCode() && meta >= 256) {
            int meta0 = meta >> 8;
            int meta1 = meta & 0xFF;
            if ((meta0 & 0x30) != 0x30) {
                types[i] = ColumnType.byCode(meta0 | 0x30);
                lengths[i] = meta1 | (((meta0 & 0x30) ^ 0x30) << 4);
                return;
            }
            types[i] = meta0 == ColumnType.ENUM.getCode() || meta0 == ColumnType.SET.getCode()
                    ? ColumnType.byCode(meta0) : ColumnType.STRING;
            lengths[i] = meta1;
            return;
        }
        types[i] = ColumnType.byCode(code);
        if (types[i] == null) {
            throw new IllegalStateException("unknown binlog column type " + code);
        }
        lengths[i] = code == ColumnType.STRING.getCode() ? meta : 0;
    }

    /** Collation per character (or ENUM/SET) column, in column order, from either metadata encoding. */
    private static List<Integer> characterCollations(TableMapEventMetadata metadata, ColumnType[] types,
                                                     boolean enumAndSet) {
        List<Integer> perColumn = enumAndSet ? metadata.getEnumAndSetColumnCharsets() : metadata.getColumnCharsets();
        if (perColumn != null) {
            return perColumn;
        }
        TableMapEventMetadata.DefaultCharset defaults = enumAndSet ? metadata.getEnumAndSetDefaultCharset()
                : metadata.getDefaultCharset();
        if (defaults == null) {
            return List.of();
        }
        int count = 0;
        for (ColumnType type : types) {
            boolean counted = enumAndSet ? type == ColumnType.ENUM || type == ColumnType.SET
                    : SourceColumn.isCharacter(type);
            count += counted ? 1 : 0;
        }
        List<Integer> out = new ArrayList<>();
        Map<Integer, Integer> exceptions = defaults.getCharsetCollations() == null ? Map.of()
                : defaults.getCharsetCollations();
        for (int i = 0; i < count; i++) {
            out.add(exceptions.getOrDefault(i, defaults.getDefaultCharsetCollation()));
        }
        return out;
    }

    /**
     * The labels of the {@code index}-th ENUM (or SET) column: from the bytes the binlog carries, decoded with the
     * column's charset, when {@link TableMapDecoder} read the event; else as the connector decoded them.
     */
    private static List<String> labels(TableMapEventData map, boolean isEnum, List<String[]> decoded, int index,
                                       Optional<Charset> charset, String column) {
        if (map instanceof TableMapDecoder.BinlogTableMap raw) {
            List<List<byte[]>> all = isEnum ? raw.enumLabels() : raw.setLabels();
            requireLabels(all, index, column);
            // A binary ENUM/SET has no charset; its labels are written as UTF-8 in the DDL, so read them so.
            Charset labelCharset = charset.orElse(StandardCharsets.UTF_8);
            List<String> labels = new ArrayList<>();
            for (byte[] bytes : all.get(index)) {
                labels.add(new String(bytes, labelCharset));
            }
            return List.copyOf(labels);
        }
        requireLabels(decoded, index, column);
        return List.of(decoded.get(index));
    }

    private static void requireLabels(List<?> all, int index, String column) {
        if (all == null || index >= all.size()) {
            throw new IllegalStateException("the binlog does not carry the ENUM/SET values of " + column
                    + ": set binlog_row_metadata=FULL on the source");
        }
    }

    private static List<Integer> keyColumns(TableMapEventMetadata metadata) {
        if (metadata.getSimplePrimaryKeys() != null) {
            return metadata.getSimplePrimaryKeys();
        }
        if (metadata.getPrimaryKeysWithPrefix() != null) {
            return List.copyOf(metadata.getPrimaryKeysWithPrefix().keySet());
        }
        return List.of();
    }
}
