package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.SourceRow;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes binlog events of one stream into {@link LogicalEvents}. Transactions are delimited by GTID events
 * (MariaDB: a non-standalone GTID event; MySQL: GTID then a {@code BEGIN} query) and end at the XID event (or a
 * {@code COMMIT} query for non-transactional engines); positions are only ever taken from GTIDs, never from the
 * byte offsets of row events. A statement logged under its own GTID (DDL) is reported as an empty transaction so
 * the position moves past it. Transactions already in the start set are skipped.
 */
final class BinlogEventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogEventHandler.class);

    private final LogicalEvents events;
    private final TableMapReader tableMaps;
    private final Predicate<String> replicatesDatabase;
    private final RowEncoder rows = new RowEncoder();
    /** Tables by binlog table id; empty for tables of databases that are not replicated. */
    private final Map<Long, Optional<SourceTable>> tables = new HashMap<>();

    private GtidSet executed;
    private String groupGtid;
    private boolean inTransaction;
    private boolean skipping;

    BinlogEventHandler(GtidSet start, LogicalEvents events, TableMapReader tableMaps,
                       Predicate<String> replicatesDatabase) {
        this.executed = start;
        this.events = events;
        this.tableMaps = tableMaps;
        this.replicatesDatabase = replicatesDatabase;
    }

    /** The executed set after the last transaction reported (or skipped). */
    GtidSet executed() {
        return executed;
    }

    void handle(Event event) throws InterruptedException, IOException {
        EventType type = event.getHeader().getEventType();
        switch (type) {
            case GTID -> startGroup(((GtidEventData) event.getData()).getMySqlGtid().toString());
            case GTID_TAGGED -> throw new IllegalStateException("the source logs tagged GTIDs (MySQL 8.4 "
                    + "gtid_next with a tag), which mylogical does not support");
            case ANONYMOUS_GTID -> throw new IllegalStateException("the source logs transactions without GTIDs: set "
                    + "gtid_mode=ON and enforce_gtid_consistency=ON (--gtid-mode=ON --enforce-gtid-consistency=ON)");
            case MARIADB_GTID -> mariaDbGtid((MariadbGtidEventData) event.getData());
            case QUERY -> query((QueryEventData) event.getData(), event);
            case XID -> endGroup(event);
            case TABLE_MAP -> tableMap((TableMapEventData) event.getData());
            case TRANSACTION_PAYLOAD -> {
                for (Event inner : ((TransactionPayloadEventData) event.getData()).getUncompressedEvents()) {
                    handle(inner);
                }
            }
            case FORMAT_DESCRIPTION -> LOG.debug("binlog format of server {}",
                    ((FormatDescriptionEventData) event.getData()).getServerVersion());
            case XA_PREPARE -> throw new IllegalStateException("XA transactions are not supported by mylogical");
            // Deliberately ignored: file bookkeeping, keep-alives, GTID-list summaries, statement annotations.
            case ROTATE, HEARTBEAT, HEARTBEAT_V2, PREVIOUS_GTIDS, MARIADB_GTID_LIST, BINLOG_CHECKPOINT,
                    ANNOTATE_ROWS, ROWS_QUERY, STOP, INTVAR, RAND, USER_VAR, IGNORABLE, INCIDENT, SLAVE,
                    TRANSACTION_CONTEXT, VIEW_CHANGE -> LOG.trace("ignoring {}", type);
            case PARTIAL_UPDATE_ROWS_EVENT -> throw new IllegalStateException("the source logs partial JSON "
                    + "updates: set binlog_row_value_options='' (the default) so updates carry whole rows");
            default -> {
                if (EventType.isRowMutation(type)) {
                    rowEvent(type, event);
                } else {
                    LOG.debug("ignoring binlog event {}", type);
                }
            }
        }
    }

    private void mariaDbGtid(MariadbGtidEventData data) throws InterruptedException {
        String gtid = data.getDomainId() + "-" + data.getServerId() + "-" + data.getSequence();
        startGroup(gtid);
        if ((data.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0) {
            // MariaDB writes no BEGIN query: the GTID event opens the transaction.
            openTransaction();
        }
    }

    private void startGroup(String gtid) throws InterruptedException {
        if (inTransaction) {
            LOG.warn("transaction {} did not end before {}; discarding it", groupGtid, gtid);
            abandon();
        }
        groupGtid = gtid;
        skipping = executed.containsGtid(gtid);
        if (skipping) {
            LOG.debug("skipping {}: already in {}", gtid, executed);
        }
    }

    private void openTransaction() throws InterruptedException {
        if (groupGtid == null) {
            throw new IllegalStateException("a transaction started without a GTID: the stream did not start at a "
                    + "transaction boundary");
        }
        inTransaction = true;
        if (!skipping) {
            events.begin();
        }
    }

    private void query(QueryEventData data, Event event) throws InterruptedException {
        String sql = data.getSql() == null ? "" : data.getSql().strip();
        String verb = sql.toUpperCase(Locale.ROOT);
        if (verb.equals("BEGIN") || verb.startsWith("XA START")) {
            if (!inTransaction && groupGtid != null) {
                openTransaction();
            }
        } else if (verb.equals("COMMIT")) {
            if (inTransaction) {
                endGroup(event);
            }
        } else if (verb.equals("ROLLBACK")) {
            if (inTransaction) {
                abandon();
            }
        } else if (inTransaction) {
            LOG.debug("statement inside transaction {}: {}", groupGtid, sql);
        } else if (groupGtid != null) {
            // DDL (or another statement logged on its own) is a transaction of its own: move the position past it.
            // A schema change reaches the target side with the next TABLE_MAP of the table: its rows then carry the
            // new columns, which the target is checked against (and, with --schemaEvolution additive, given).
            LOG.info("source statement {} in {}: {}", groupGtid, data.getDatabase(), sql);
            openTransaction();
            endGroup(event);
        } else {
            LOG.info("source statement outside a GTID group: {}", sql);
        }
    }

    private void endGroup(Event event) throws InterruptedException {
        if (!inTransaction) {
            LOG.debug("commit without a transaction; ignoring");
            return;
        }
        if (!skipping) {
            executed = executed.plus(groupGtid);
            events.commit(GtidPositions.position(executed, Instant.ofEpochMilli(event.getHeader().getTimestamp())));
        }
        clear();
    }

    private void abandon() throws InterruptedException {
        if (!skipping) {
            events.rollback();
        }
        clear();
    }

    private void clear() {
        inTransaction = false;
        skipping = false;
        groupGtid = null;
    }

    private void tableMap(TableMapEventData data) {
        Optional<SourceTable> table = replicatesDatabase.test(data.getDatabase())
                ? Optional.of(tableMaps.read(data)) : Optional.empty();
        tables.put(data.getTableId(), table);
    }

    private void rowEvent(EventType type, Event event) throws InterruptedException, IOException {
        if (skipping) {
            return;
        }
        if (!inTransaction) {
            throw new IllegalStateException("row event " + type + " outside a transaction");
        }
        if (EventType.isWrite(type)) {
            WriteRowsEventData data = event.getData();
            Optional<SourceTable> table = table(data.getTableId());
            if (table.isPresent()) {
                for (Serializable[] row : data.getRows()) {
                    upsert(table.get(), data.getIncludedColumns(), row);
                }
            }
        } else if (EventType.isUpdate(type)) {
            UpdateRowsEventData data = event.getData();
            Optional<SourceTable> table = table(data.getTableId());
            if (table.isPresent()) {
                for (Map.Entry<Serializable[], Serializable[]> pair : data.getRows()) {
                    SourceRow before = rows.encode(table.get(), data.getIncludedColumnsBeforeUpdate(), pair.getKey());
                    SourceRow after = rows.encode(table.get(), data.getIncludedColumns(), pair.getValue());
                    if (!before.sameKey(after)) {
                        events.delete(table.get().target(), before);
                    }
                    events.upsert(table.get().target(), after);
                }
            }
        } else {
            DeleteRowsEventData data = event.getData();
            Optional<SourceTable> table = table(data.getTableId());
            if (table.isPresent()) {
                for (Serializable[] row : data.getRows()) {
                    events.delete(table.get().target(), rows.encode(table.get(), data.getIncludedColumns(), row));
                }
            }
        }
    }

    private void upsert(SourceTable table, BitSet included, Serializable[] row)
            throws InterruptedException, IOException {
        events.upsert(table.target(), rows.encode(table, included, row));
    }

    private Optional<SourceTable> table(long tableId) {
        Optional<SourceTable> table = tables.get(tableId);
        if (table == null) {
            throw new IllegalStateException("row event for table id " + tableId + " without a TABLE_MAP event");
        }
        return table;
    }
}
