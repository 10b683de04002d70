package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/**
 * The binlog connector's row-event deserializers with {@link BinlogCells} decoding the cells the connector gets
 * wrong; the connector still reads the events' framing and the other cells. One subclass per row event kind, since
 * the cell hook is a protected method of each.
 */
final class RowDeserializers {
    private RowDeserializers() {
    }

    /** WRITE_ROWS; {@code extended} for the v2 (EXT_) events, which carry an extra-data block. */
    static WriteRowsEventDataDeserializer writes(Map<Long, TableMapEventData> tables, boolean extended) {
        return new Writes(tables).setMayContainExtraInformation(extended);
    }

    static UpdateRowsEventDataDeserializer updates(Map<Long, TableMapEventData> tables, boolean extended) {
        return new Updates(tables).setMayContainExtraInformation(extended);
    }

    static DeleteRowsEventDataDeserializer deletes(Map<Long, TableMapEventData> tables, boolean extended) {
        return new Deletes(tables).setMayContainExtraInformation(extended);
    }

    private static final class Writes extends WriteRowsEventDataDeserializer {
        Writes(Map<Long, TableMapEventData> tables) {
            super(tables);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            return BinlogCells.decodes(type) ? BinlogCells.read(type, meta, length, in)
                    : super.deserializeCell(type, meta, length, in);
        }
    }

    private static final class Updates extends UpdateRowsEventDataDeserializer {
        Updates(Map<Long, TableMapEventData> tables) {
            super(tables);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            return BinlogCells.decodes(type) ? BinlogCells.read(type, meta, length, in)
                    : super.deserializeCell(type, meta, length, in);
        }
    }

    private static final class Deletes extends DeleteRowsEventDataDeserializer {
        Deletes(Map<Long, TableMapEventData> tables) {
            super(tables);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            return BinlogCells.decodes(type) ? BinlogCells.read(type, meta, length, in)
                    : super.deserializeCell(type, meta, length, in);
        }
    }
}
