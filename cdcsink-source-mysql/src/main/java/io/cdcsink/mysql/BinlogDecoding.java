package io.cdcsink.mysql;

import com.github.luben.zstd.ZstdInputStream;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.LRUCache;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The binlog connector's {@link EventDeserializer}, set up to read every value exactly: its own deserializers for
 * the framing and the events mylogical reads as they are, ours for table maps ({@link TableMapDecoder}), rows
 * ({@link RowDeserializers}) and MySQL's compressed transactions, whose inner events must be read the same way.
 */
final class BinlogDecoding {
    /** Table ids the connector keeps, as its own default does. */
    private static final int TABLES_KEPT = 10_000;
    private static final int PAYLOAD_END = 0;
    private static final int PAYLOAD_SIZE = 1;
    private static final int PAYLOAD_COMPRESSION = 2;
    private static final int PAYLOAD_UNCOMPRESSED_SIZE = 3;
    private static final int COMPRESSION_ZSTD = 0;

    private BinlogDecoding() {
    }

    /**
     * A deserializer for one binlog stream.
     *
     * @param precisions         fractional digits of old-format temporal columns ({@link TableMapDecoder})
     * @param replicatesDatabase whether rows of a database are replicated
     */
    static EventDeserializer deserializer(TableMapDecoder.TemporalPrecisions precisions,
                                          Predicate<String> replicatesDatabase) {
        // The row deserializers read the table maps ours decoded; the connector keeps its own reading apart.
        Map<Long, TableMapEventData> tables = new LRUCache<>(100, 0.75f, TABLES_KEPT);
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setEventDataDeserializer(EventType.TABLE_MAP,
                new TableMapDecoder(tables, precisions, replicatesDatabase));
        deserializer.setEventDataDeserializer(EventType.WRITE_ROWS, RowDeserializers.writes(tables, false));
        deserializer.setEventDataDeserializer(EventType.UPDATE_ROWS, RowDeserializers.updates(tables, false));
        deserializer.setEventDataDeserializer(EventType.DELETE_ROWS, RowDeserializers.deletes(tables, false));
        deserializer.setEventDataDeserializer(EventType.EXT_WRITE_ROWS, RowDeserializers.writes(tables, true));
        deserializer.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS, RowDeserializers.updates(tables, true));
        deserializer.setEventDataDeserializer(EventType.EXT_DELETE_ROWS, RowDeserializers.deletes(tables, true));
        deserializer.setEventDataDeserializer(EventType.TRANSACTION_PAYLOAD,
                (EventDataDeserializer<TransactionPayloadEventData>) in -> payload(in, precisions,
                        replicatesDatabase));
        return deserializer;
    }

    /**
     * A MySQL 8 compressed transaction (binlog_transaction_compression=ON): header fields, then the zstd-compressed
     * events of the transaction, table maps included, read with a deserializer of their own.
     */
    private static TransactionPayloadEventData payload(ByteArrayInputStream in,
                                                       TableMapDecoder.TemporalPrecisions precisions,
                                                       Predicate<String> replicatesDatabase) throws IOException {
        TransactionPayloadEventData data = new TransactionPayloadEventData();
        data.setCompressionType(COMPRESSION_ZSTD);
        for (int field = in.readPackedInteger(); field != PAYLOAD_END; field = in.readPackedInteger()) {
            int length = in.readPackedInteger();
            switch (field) {
                case PAYLOAD_SIZE -> data.setPayloadSize(in.readPackedInteger());
                case PAYLOAD_COMPRESSION -> data.setCompressionType(in.readPackedInteger());
                case PAYLOAD_UNCOMPRESSED_SIZE -> data.setUncompressedSize(in.readPackedLong());
                default -> in.read(length);
            }
        }
        if (data.getCompressionType() != COMPRESSION_ZSTD) {
            throw new IOException("a compressed transaction uses compression type " + data.getCompressionType()
                    + ", which mylogical cannot read (only zstd)");
        }
        data.setPayload(in.read(data.getPayloadSize()));
        EventDeserializer inner = deserializer(precisions, replicatesDatabase);
        ArrayList<Event> events = new ArrayList<>();
        try (ZstdInputStream unpacked = new ZstdInputStream(new java.io.ByteArrayInputStream(data.getPayload()))) {
            ByteArrayInputStream stream = new ByteArrayInputStream(unpacked);
            for (Event event = inner.nextEvent(stream); event != null; event = inner.nextEvent(stream)) {
                events.add(event);
            }
        }
        data.setUncompressedEvents(events);
        return data;
    }
}
