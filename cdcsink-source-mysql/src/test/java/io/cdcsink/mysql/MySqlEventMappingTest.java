package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MySqlGtid;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** MySQL event sequences built by hand (no MySQL server here), through the same handler MariaDB streams use. */
class MySqlEventMappingTest {
    private static final String UUID1 = "6fa7e6ef-c49a-11ec-950a-0242ac120002";
    private static final long TS = 1_700_000_000_123L;

    private final RecordingEvents events = new RecordingEvents();

    private BinlogEventHandler handler(String start) {
        return new BinlogEventHandler(GtidSet.parse(Flavor.MYSQL, start), events,
                new TableMapReader("target", "public", Collations.builtIn()), db -> !db.equals("ignored"));
    }

    private static Event event(EventType type, EventData data) {
        EventHeaderV4 header = new EventHeaderV4();
        header.setEventType(type);
        header.setTimestamp(TS);
        return new Event(header, data);
    }

    private static Event gtid(long n) {
        return event(EventType.GTID, new GtidEventData(new MySqlGtid(UUID.fromString(UUID1), n), (byte) 0, 0, 0, 0,
                0, 0, 0, 0));
    }

    private static Event query(String sql) {
        QueryEventData data = new QueryEventData();
        data.setSql(sql);
        data.setDatabase("shop");
        return event(EventType.QUERY, data);
    }

    private static Event xid() {
        return event(EventType.XID, new XidEventData());
    }

    private static BitSet all(int n) {
        BitSet bits = new BitSet();
        bits.set(0, n);
        return bits;
    }

    /** A two-column table {@code db.items (id INT PRIMARY KEY, name VARCHAR(20))} in utf8mb4. */
    private static Event simpleMap(String db, boolean withKey, boolean withNames) {
        TableMapEventData map = new TableMapEventData();
        map.setTableId(7);
        map.setDatabase(db);
        map.setTable("items");
        map.setColumnTypes(new byte[] {(byte) ColumnType.LONG.getCode(), (byte) ColumnType.VARCHAR.getCode()});
        map.setColumnMetadata(new int[] {0, 80});
        TableMapEventMetadata meta = new TableMapEventMetadata();
        if (withNames) {
            meta.setColumnNames(List.of("id", "name"));
        }
        if (withKey) {
            meta.setSimplePrimaryKeys(List.of(0));
        }
        meta.setColumnCharsets(List.of(255));
        meta.setSignedness(new BitSet());
        map.setEventMetadata(meta);
        return event(EventType.TABLE_MAP, map);
    }

    private static Event insert(Serializable[]... rows) {
        WriteRowsEventData data = new WriteRowsEventData();
        data.setTableId(7);
        data.setIncludedColumns(all(rows[0].length));
        data.setRows(List.of(rows));
        return event(EventType.EXT_WRITE_ROWS, data);
    }

    private static Serializable[] item(int id, String name) {
        return new Serializable[] {id, name.getBytes(StandardCharsets.UTF_8)};
    }

    private void feed(BinlogEventHandler handler, Event... stream) throws Exception {
        for (Event e : stream) {
            handler.handle(e);
        }
    }

    @Test
    void aTransactionRunsFromGtidAndBeginToXidAndReportsTheExecutedSet() throws Exception {
        BinlogEventHandler handler = handler(UUID1 + ":1-5");
        feed(handler, gtid(6), query("BEGIN"), simpleMap("shop", true, true), insert(item(1, "a"), item(2, "b")),
                xid());
        assertThat(events.lines()).containsExactly("begin",
                "upsert target.public.items [\"1\"] {\"id\":\"1\",\"name\":\"a\"}",
                "upsert target.public.items [\"2\"] {\"id\":\"2\",\"name\":\"b\"}",
                "commit mysql:" + UUID1 + ":1-6");
        assertThat(events.commits().get(0).commitTime()).isEqualTo(Instant.ofEpochMilli(TS));
        assertThat(handler.executed().toString()).isEqualTo(UUID1 + ":1-6");
    }

    @Test
    void transactionsAlreadyInTheStartSetAreSkipped() throws Exception {
        BinlogEventHandler handler = handler(UUID1 + ":1-5");
        feed(handler, gtid(5), query("BEGIN"), simpleMap("shop", true, true), insert(item(1, "a")), xid(),
                gtid(6), query("BEGIN"), simpleMap("shop", true, true), insert(item(2, "b")), xid());
        assertThat(events.lines()).containsExactly("begin",
                "upsert target.public.items [\"2\"] {\"id\":\"2\",\"name\":\"b\"}",
                "commit mysql:" + UUID1 + ":1-6");
    }

    @Test
    void aStatementUnderItsOwnGtidIsAnEmptyTransaction() throws Exception {
        BinlogEventHandler handler = handler(UUID1 + ":1-5");
        feed(handler, gtid(6), query("ALTER TABLE items ADD COLUMN x INT"), gtid(7), query("BEGIN"),
                simpleMap("shop", true, true), insert(item(3, "c")), xid());
        assertThat(events.lines()).containsExactly("begin", "commit mysql:" + UUID1 + ":1-6", "begin",
                "upsert target.public.items [\"3\"] {\"id\":\"3\",\"name\":\"c\"}", "commit mysql:" + UUID1 + ":1-7");
    }

    @Test
    void nonTransactionalTablesEndAtACommitQuery() throws Exception {
        feed(handler(""), gtid(1), query("BEGIN"), simpleMap("shop", true, true), insert(item(1, "a")),
                query("COMMIT"));
        assertThat(events.lines()).containsExactly("begin",
                "upsert target.public.items [\"1\"] {\"id\":\"1\",\"name\":\"a\"}",
                "commit mysql:" + UUID1 + ":1");
    }

    @Test
    void aChangedKeyDeletesTheOldRowFirst() throws Exception {
        UpdateRowsEventData update = new UpdateRowsEventData();
        update.setTableId(7);
        update.setIncludedColumnsBeforeUpdate(all(2));
        update.setIncludedColumns(all(2));
        update.setRows(List.of(new AbstractMap.SimpleEntry<>(item(1, "a"), item(9, "a")),
                new AbstractMap.SimpleEntry<>(item(2, "b"), item(2, "B"))));
        DeleteRowsEventData delete = new DeleteRowsEventData();
        delete.setTableId(7);
        delete.setIncludedColumns(all(2));
        delete.setRows(List.<Serializable[]>of(item(2, "B")));
        feed(handler(""), gtid(1), query("BEGIN"), simpleMap("shop", true, true),
                event(EventType.EXT_UPDATE_ROWS, update), event(EventType.EXT_DELETE_ROWS, delete), xid());
        assertThat(events.lines()).containsExactly("begin", "delete target.public.items [\"1\"]",
                "upsert target.public.items [\"9\"] {\"id\":\"9\",\"name\":\"a\"}",
                "upsert target.public.items [\"2\"] {\"id\":\"2\",\"name\":\"B\"}",
                "delete target.public.items [\"2\"]", "commit mysql:" + UUID1 + ":1");
    }

    @Test
    void rowsOfOtherSourceDatabasesAreLeftOut() throws Exception {
        feed(handler(""), gtid(1), query("BEGIN"), simpleMap("ignored", false, false), insert(item(1, "a")), xid());
        assertThat(events.lines()).containsExactly("begin", "commit mysql:" + UUID1 + ":1");
    }

    @Test
    void missingColumnNamesAskForFullRowMetadata() {
        assertThatThrownBy(() -> feed(handler(""), gtid(1), query("BEGIN"), simpleMap("shop", true, false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shop.items").hasMessageContaining("binlog_row_metadata=FULL");
    }

    @Test
    void rowsOfATableWithoutPrimaryKeyFailNamingTheTable() {
        assertThatThrownBy(() -> feed(handler(""), gtid(1), query("BEGIN"), simpleMap("shop", false, true),
                insert(item(1, "a")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source table shop.items has no primary key");
    }

    @Test
    void anonymousTransactionsAskForGtidMode() {
        assertThatThrownBy(() -> feed(handler(""), event(EventType.ANONYMOUS_GTID, null)))
                .hasMessageContaining("gtid_mode=ON");
    }

    @Test
    void mysqlValuesAreWrittenExactly() throws Exception {
        TableMapEventData map = new TableMapEventData();
        map.setTableId(7);
        map.setDatabase("shop");
        map.setTable("kinds");
        int string = ColumnType.STRING.getCode();
        map.setColumnTypes(new byte[] {(byte) ColumnType.LONG.getCode(), (byte) ColumnType.LONGLONG.getCode(),
                (byte) ColumnType.NEWDECIMAL.getCode(), (byte) string, (byte) string, (byte) ColumnType.BIT.getCode(),
                (byte) ColumnType.VARCHAR.getCode(), (byte) ColumnType.VARCHAR.getCode(),
                (byte) ColumnType.BLOB.getCode(), (byte) ColumnType.JSON.getCode(),
                (byte) ColumnType.TIMESTAMP_V2.getCode(), (byte) ColumnType.TINY.getCode()});
        map.setColumnMetadata(new int[] {0, 0, 10 | (2 << 8), (ColumnType.ENUM.getCode() << 8) | 1,
                (ColumnType.SET.getCode() << 8) | 1, 1 << 8, 80, 20, 2, 4, 6, 0});
        TableMapEventMetadata meta = new TableMapEventMetadata();
        meta.setColumnNames(List.of("id", "big", "dec", "e", "s", "b", "name", "latin", "blob", "j", "ts", "t"));
        meta.setSimplePrimaryKeys(List.of(0));
        BitSet unsigned = new BitSet();
        unsigned.set(0);
        unsigned.set(1);
        meta.setSignedness(unsigned);
        TableMapEventMetadata.DefaultCharset charsets = new TableMapEventMetadata.DefaultCharset();
        charsets.setDefaultCharsetCollation(255);
        charsets.setCharsetCollations(Map.of(1, 8, 2, Collations.BINARY));
        meta.setDefaultCharset(charsets);
        meta.setEnumStrValues(List.<String[]>of(new String[] {"a", "b"}));
        meta.setSetStrValues(List.<String[]>of(new String[] {"x", "y", "z"}));
        map.setEventMetadata(meta);
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(2);
        long micros = Instant.parse("2024-01-02T03:04:05Z").getEpochSecond() * 1_000_000 + 6;
        Serializable[] row = {-1, -1L, new BigDecimal("12345678.90"), 2, 5L, bits,
                "h\u00e9llo".getBytes(StandardCharsets.UTF_8), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1),
                new byte[] {0, (byte) 0xff}, new byte[] {4, 1}, micros, -5};
        feed(handler(""), gtid(1), query("BEGIN"), event(EventType.TABLE_MAP, map), insert(row), xid());
        assertThat(events.lines().get(1)).isEqualTo("upsert target.public.kinds [\"4294967295\"] "
                + "{\"id\":\"4294967295\","
                + "\"big\":\"18446744073709551615\",\"dec\":\"12345678.90\",\"e\":\"b\",\"s\":\"x,z\",\"b\":\"00000101\","
                + "\"name\":\"h\u00e9llo\",\"latin\":\"caf\u00e9\",\"blob\":\"\\\\x00ff\",\"j\":\"true\","
                + "\"ts\":\"2024-01-02 03:04:05.000006+00\",\"t\":\"-5\"}");
    }

    @Test
    void mysqlJsonBecomesTextForJsonColumns() throws Exception {
        // The logical sources report values as text (ValueFormat.TEXT): a JSON value is a JSON string holding the
        // JSON text, which a json column keeps as it is and a jsonb column parses.
        TableMapEventData map = new TableMapEventData();
        map.setTableId(7);
        map.setDatabase("shop");
        map.setTable("docs");
        map.setColumnTypes(new byte[] {(byte) ColumnType.LONG.getCode(), (byte) ColumnType.JSON.getCode(),
                (byte) ColumnType.JSON.getCode(), (byte) ColumnType.JSON.getCode()});
        map.setColumnMetadata(new int[] {0, 4, 4, 4});
        TableMapEventMetadata meta = new TableMapEventMetadata();
        meta.setColumnNames(List.of("id", "doc", "scalar", "empty"));
        meta.setSimplePrimaryKeys(List.of(0));
        meta.setSignedness(new BitSet());
        map.setEventMetadata(meta);
        byte[] doc = MySqlJsonBytes.of(MySqlJsonBytes.object("a", List.of((short) 1, 2.5, "x\"y"), "b", null,
                "big", new MySqlJsonBytes.Unsigned(-1, 8)), false);
        byte[] scalar = MySqlJsonBytes.of("text", false);
        feed(handler(""), gtid(1), query("BEGIN"), event(EventType.TABLE_MAP, map),
                insert(new Serializable[] {1, doc, scalar, new byte[0]}), xid());
        String line = events.lines().get(1);
        assertThat(line).startsWith("upsert target.public.docs [\"1\"] ");
        JsonNode row = new ObjectMapper().readTree(line.substring("upsert target.public.docs [\"1\"] ".length()));
        assertThat(row.get("doc").isTextual()).isTrue();
        assertThat(row.get("doc").textValue())
                .isEqualTo("{\"a\": [1, 2.5, \"x\\\"y\"], \"b\": null, \"big\": 18446744073709551615}");
        assertThat(row.get("scalar").textValue()).isEqualTo("\"text\"");
        // MySQL reads an empty JSON value (rows older than an added JSON column) as the JSON null literal.
        assertThat(row.get("empty").textValue()).isEqualTo("null");
    }

    /** A table whose names, labels and bytes are outside ASCII, with a MariaDB old-format TIME(3) column. */
    private static byte[] exoticTableMap() {
        return BinlogEventBytes.event(EventType.TABLE_MAP, BinlogEventBytes.tableMap("l\u00e4den", "caf\u00e9",
                List.of(new BinlogEventBytes.Column(ColumnType.LONG, 0, "id"),
                        new BinlogEventBytes.Column(ColumnType.ENUM, 1, "gr\u00f6\u00dfe"),
                        new BinlogEventBytes.Column(ColumnType.VARCHAR, 20, "name"),
                        new BinlogEventBytes.Column(ColumnType.TIME, 0, "t")),
                8, 8, StandardCharsets.ISO_8859_1, List.of(List.of("s\u00fc\u00df", "gro\u00df"))));
    }

    /** Row 1 of {@link #exoticTableMap()}: ENUM index 1, latin1 bytes 0x81 'é', TIME(3) -00:00:00.001. */
    private static byte[] exoticRow() {
        return BinlogEventBytes.concat(new byte[] {1, 0, 0, 0}, new byte[] {1}, new byte[] {2, (byte) 0x81,
                (byte) 0xE9}, HexFormat.of().parseHex("00b407a57f"));
    }

    private static final String EXOTIC_UPSERT = "upsert target.public.caf\u00e9 [\"1\"] {\"id\":\"1\","
            + "\"gr\u00f6\u00dfe\":\"s\u00fc\u00df\",\"name\":\"\u0081\u00e9\",\"t\":\"-00:00:00.001\"}";

    private EventDeserializer deserializer(List<String> lookedUp) {
        return BinlogDecoding.deserializer((db, table) -> {
            lookedUp.add(db + "." + table);
            return Map.of("t", 3);
        }, db -> true);
    }

    private static Event next(EventDeserializer deserializer, byte[] bytes) throws Exception {
        return deserializer.nextEvent(new ByteArrayInputStream(bytes));
    }

    @Test
    void binlogBytesAreReadWithExactNamesLabelsTextAndOldTemporals() throws Exception {
        List<String> lookedUp = new ArrayList<>();
        EventDeserializer deserializer = deserializer(lookedUp);
        BinlogEventHandler handler = handler("");
        feed(handler, gtid(1), query("BEGIN"), next(deserializer, exoticTableMap()),
                next(deserializer, BinlogEventBytes.event(EventType.WRITE_ROWS,
                        BinlogEventBytes.writeRows(false, 4, BinlogEventBytes.rows(exoticRow())))),
                next(deserializer, exoticTableMap()),
                next(deserializer, BinlogEventBytes.event(EventType.EXT_WRITE_ROWS,
                        BinlogEventBytes.writeRows(true, 4, BinlogEventBytes.rows(exoticRow())))), xid());
        assertThat(events.lines()).containsExactly("begin", EXOTIC_UPSERT, EXOTIC_UPSERT, "commit mysql:" + UUID1 + ":1");
        assertThat(lookedUp).as("the old-format column's digits are looked up once").containsExactly(
                "l\u00e4den.caf\u00e9");
    }

    @Test
    void compressedTransactionsAreReadExactlyToo() throws Exception {
        byte[] inner = BinlogEventBytes.concat(exoticTableMap(), BinlogEventBytes.event(EventType.EXT_WRITE_ROWS,
                BinlogEventBytes.writeRows(true, 4, BinlogEventBytes.rows(exoticRow()))));
        byte[] payload = BinlogEventBytes.event(EventType.TRANSACTION_PAYLOAD,
                BinlogEventBytes.payload(Zstd.compress(inner), inner.length));
        feed(handler(""), gtid(1), query("BEGIN"), next(deserializer(new ArrayList<>()), payload), xid());
        assertThat(events.lines()).containsExactly("begin", EXOTIC_UPSERT, "commit mysql:" + UUID1 + ":1");
    }

    @Test
    void taggedGtidsAreRefusedByName() {
        assertThatThrownBy(() -> feed(handler(""), event(EventType.GTID_TAGGED, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tagged GTIDs");
    }

    @Test
    void bitStringsKeepEveryBit() {
        assertThat(ValueWriter.bits(new BitSet(), 3)).isEqualTo("000");
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(63);
        assertThat(ValueWriter.bits(bits, 64)).isEqualTo("1" + "0".repeat(62) + "1");
    }
}
