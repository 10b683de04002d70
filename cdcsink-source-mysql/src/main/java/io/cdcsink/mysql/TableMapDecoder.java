package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads TABLE_MAP events: the binlog connector's reading, corrected where it is not exact, and remembered for the row
 * deserializers of {@link RowDeserializers}.
 * <ul>
 *   <li>Database, table and column names are decoded as UTF-8 (the connector uses the JVM's default charset).</li>
 *   <li>ENUM and SET labels are kept as the bytes the binlog carries, in their column's charset, for
 *   {@link TableMapReader} to decode (the connector decodes them with the JVM's default charset too).</li>
 *   <li>MariaDB's pre-10.1 ("mariadb-5.3") TIME, DATETIME and TIMESTAMP columns with fractional seconds are logged
 *   with the old type codes and no metadata, though their size depends on the fractional digits: those come from the
 *   source's {@code information_schema} and are written into the column metadata.</li>
 * </ul>
 */
final class TableMapDecoder implements EventDataDeserializer<TableMapDecoder.BinlogTableMap> {
    private static final int COLUMN_NAME = 4;
    private static final int SET_STR_VALUE = 5;
    private static final int ENUM_STR_VALUE = 6;

    /** A table map as the connector reads it, with the labels of its ENUM and SET columns as bytes. */
    static final class BinlogTableMap extends TableMapEventData {
        private List<List<byte[]>> enumLabels = List.of();
        private List<List<byte[]>> setLabels = List.of();

        /** Per ENUM column, in column order, its labels in the column's charset. */
        List<List<byte[]>> enumLabels() {
            return enumLabels;
        }

        /** Per SET column, in column order, its labels in the column's charset. */
        List<List<byte[]>> setLabels() {
            return setLabels;
        }
    }

    /** The fractional-second digits of a table's TIME, DATETIME and TIMESTAMP columns. */
    interface TemporalPrecisions {
        /** Column name → digits, as the source describes the table now; empty when it has no such table. */
        Map<String, Integer> of(String database, String table) throws IOException;
    }

    private final TableMapEventDataDeserializer connector = new TableMapEventDataDeserializer();
    private final Map<Long, TableMapEventData> tables;
    private final TemporalPrecisions precisions;
    private final Predicate<String> replicatesDatabase;
    /** Look-ups of tables with old-format temporal columns, by table and column list. */
    private final Map<String, Map<String, Integer>> looked = new HashMap<>();

    /**
     * @param tables             where the decoded table maps go, by table id: the row deserializers' map
     * @param replicatesDatabase whether rows of a database are replicated (only those must be read exactly)
     */
    TableMapDecoder(Map<Long, TableMapEventData> tables, TemporalPrecisions precisions,
                    Predicate<String> replicatesDatabase) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.precisions = Objects.requireNonNull(precisions, "precisions");
        this.replicatesDatabase = Objects.requireNonNull(replicatesDatabase, "replicatesDatabase");
    }

    @Override
    public BinlogTableMap deserialize(ByteArrayInputStream in) throws IOException {
        byte[] bytes = in.read(in.available());
        TableMapEventData read = connector.deserialize(new ByteArrayInputStream(bytes));
        BinlogTableMap map = new BinlogTableMap();
        map.setTableId(read.getTableId());
        map.setColumnTypes(read.getColumnTypes());
        map.setColumnMetadata(read.getColumnMetadata());
        map.setColumnNullability(read.getColumnNullability());
        map.setEventMetadata(read.getEventMetadata());
        readRaw(new ByteArrayInputStream(bytes), map);
        oldTemporalPrecisions(map);
        tables.put(map.getTableId(), map);
        return map;
    }

    /** Reads names and labels again from the event bytes, which the connector decoded with the default charset. */
    private static void readRaw(ByteArrayInputStream in, BinlogTableMap map) throws IOException {
        in.read(8); // table id, flags
        map.setDatabase(new String(in.read(in.read()), StandardCharsets.UTF_8));
        in.read(1);
        map.setTable(new String(in.read(in.read()), StandardCharsets.UTF_8));
        in.read(1);
        int columns = in.readPackedInteger();
        in.read(columns); // types
        in.read(in.readPackedInteger()); // type metadata
        in.read((columns + 7) / 8); // nullability
        while (in.available() > 0) {
            int field = in.read();
            ByteArrayInputStream value = new ByteArrayInputStream(in.read(in.readPackedInteger()));
            switch (field) {
                case COLUMN_NAME -> {
                    List<String> names = new ArrayList<>();
                    while (value.available() > 0) {
                        names.add(new String(value.read(value.readPackedInteger()), StandardCharsets.UTF_8));
                    }
                    map.getEventMetadata().setColumnNames(names);
                }
                case SET_STR_VALUE -> map.setLabels = labels(value);
                case ENUM_STR_VALUE -> map.enumLabels = labels(value);
                default -> {
                    // read by the connector
                }
            }
        }
    }

    private static List<List<byte[]>> labels(ByteArrayInputStream value) throws IOException {
        List<List<byte[]>> columns = new ArrayList<>();
        while (value.available() > 0) {
            int count = value.readPackedInteger();
            List<byte[]> labels = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                labels.add(value.read(value.readPackedInteger()));
            }
            columns.add(List.copyOf(labels));
        }
        return List.copyOf(columns);
    }

    /**
     * The old TIME, DATETIME and TIMESTAMP type codes come from MySQL 5.5-era tables (no fractional digits, metadata
     * 0 is right) and from MariaDB's own old format, whose fractional digits only the schema knows.
     */
    private void oldTemporalPrecisions(BinlogTableMap map) throws IOException {
        byte[] types = map.getColumnTypes();
        List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
        Map<String, Integer> digits = null;
        for (int i = 0; i < types.length; i++) {
            int code = types[i] & 0xFF;
            if (code != ColumnType.TIME.getCode() && code != ColumnType.DATETIME.getCode()
                    && code != ColumnType.TIMESTAMP.getCode()) {
                continue;
            }
            String column = map.getDatabase() + "." + map.getTable() + "." + (names == null ? "#" + i : names.get(i));
            if (digits == null) {
                if (names == null) {
                    throw new IllegalStateException("the binlog does not carry column names for " + column
                            + ": set binlog_row_metadata=FULL on the source");
                }
                String key = map.getDatabase() + "." + map.getTable() + " " + names + " "
                        + new String(types, StandardCharsets.ISO_8859_1);
                digits = looked.get(key);
                if (digits == null) {
                    digits = Map.copyOf(precisions.of(map.getDatabase(), map.getTable()));
                    looked.put(key, digits);
                }
            }
            Integer fsp = digits.get(names.get(i));
            if (fsp == null && replicatesDatabase.test(map.getDatabase())) {
                throw new IllegalStateException("column " + column + " is logged in an old temporal format whose "
                        + "size depends on its fractional digits, and the source's information_schema does not "
                        + "describe it (dropped or renamed since): its rows cannot be read");
            }
            map.getColumnMetadata()[i] = fsp == null ? 0 : fsp;
        }
    }
}
