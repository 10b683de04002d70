package io.cdcsink.pg;

import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import io.cdcsink.pg.PgOutputMessage.Begin;
import io.cdcsink.pg.PgOutputMessage.Commit;
import io.cdcsink.pg.PgOutputMessage.Delete;
import io.cdcsink.pg.PgOutputMessage.Insert;
import io.cdcsink.pg.PgOutputMessage.Message;
import io.cdcsink.pg.PgOutputMessage.Origin;
import io.cdcsink.pg.PgOutputMessage.Relation;
import io.cdcsink.pg.PgOutputMessage.Truncate;
import io.cdcsink.pg.PgOutputMessage.TupleData;
import io.cdcsink.pg.PgOutputMessage.Type;
import io.cdcsink.pg.PgOutputMessage.Update;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the decoded messages of one replication session into {@link LogicalEvents} calls. Holds the session's
 * relation map (the server sends a Relation message before a table's first change in every session and again after
 * its definition changed) and whether a transaction is open.
 */
final class PgOutputHandler {
    private static final Logger log = LoggerFactory.getLogger(PgOutputHandler.class);

    private final String targetDatabase;
    private final SourceCatalog catalog;
    private final LogicalEvents events;
    private final long fromLsn;
    private final Map<Integer, RelationInfo> relations = new HashMap<>();
    private boolean open;
    private boolean skipping;

    /**
     * @param fromLsn transactions whose commit record starts before this LSN were reported in an earlier session
     *                and are skipped (0: skip nothing)
     */
    PgOutputHandler(String targetDatabase, SourceCatalog catalog, LogicalEvents events, long fromLsn) {
        this.targetDatabase = targetDatabase;
        this.catalog = catalog;
        this.events = events;
        this.fromLsn = fromLsn;
    }

    /** True between a Begin and its Commit, including transactions being skipped. */
    boolean inTransaction() {
        return open;
    }

    /** True when {@link LogicalEvents#begin()} was called and its commit has not been reported. */
    boolean reportedOpenTransaction() {
        return open && !skipping;
    }

    void handle(PgOutputMessage message) throws InterruptedException, SQLException {
        if (message instanceof Begin b) {
            begin(b);
        } else if (message instanceof Commit c) {
            commit(c);
        } else if (message instanceof Relation r) {
            relation(r);
        } else if (message instanceof Insert i) {
            if (change("Insert")) {
                RelationInfo rel = relation(i.relationId());
                rel.requireKey();
                events.upsert(rel.table(), TupleRows.row(rel, i.newTuple()));
            }
        } else if (message instanceof Update u) {
            if (change("Update")) {
                update(u);
            }
        } else if (message instanceof Delete d) {
            if (change("Delete")) {
                RelationInfo rel = relation(d.relationId());
                rel.requireKey();
                events.delete(rel.table(), TupleRows.row(rel, d.oldTuple()));
            }
        } else if (message instanceof Truncate t) {
            if (change("Truncate")) {
                for (int id : t.relationIds()) {
                    events.truncate(relation(id).table());
                }
            }
        } else if (message instanceof Type t) {
            // Values arrive as text and the target casts them, so type descriptions are not needed.
            log.debug("ignoring type message for {}.{} (oid {})", t.namespace(), t.name(), t.oid());
        } else if (message instanceof Origin o) {
            // Origins matter only for multi-master filtering; cdc-sink replicates whatever the publication sends.
            log.debug("ignoring origin message {} at {}", o.name(), LogSequenceNumber.valueOf(o.commitLsn()));
        } else if (message instanceof Message m) {
            log.debug("ignoring logical decoding message with prefix {}", m.prefix());
        } else {
            throw new IllegalStateException("unhandled pgoutput message " + message);
        }
    }

    private void begin(Begin b) throws InterruptedException {
        if (open) {
            throw new IllegalStateException("pgoutput Begin at " + LogSequenceNumber.valueOf(b.finalLsn())
                    + " while a transaction is open");
        }
        open = true;
        // The commit record starts at finalLsn and ends after it, so the transaction's end LSN is greater than
        // fromLsn exactly when finalLsn is not smaller (positions are end LSNs of commits).
        skipping = Long.compareUnsigned(b.finalLsn(), fromLsn) < 0;
        if (skipping) {
            log.debug("skipping transaction {} committed at {}: already reported", b.xid(),
                    LogSequenceNumber.valueOf(b.finalLsn()));
        } else {
            events.begin();
        }
    }

    private void commit(Commit c) throws InterruptedException {
        if (!open) {
            throw new IllegalStateException("pgoutput Commit at " + LogSequenceNumber.valueOf(c.commitLsn())
                    + " without a Begin");
        }
        open = false;
        if (skipping) {
            skipping = false;
            return;
        }
        events.commit(new LogicalPosition(PgLogicalDialect.text(c.endLsn()), c.commitTime()));
    }

    private void relation(Relation r) throws SQLException {
        TableName table = new TableName(targetDatabase, r.namespace(), r.name());
        // The types let the target side name (or, with --schemaEvolution additive, create) what the target lacks.
        RelationInfo info = RelationInfo.of(table, r,
                RelationKeys.keyIndexes(r, catalog.keyColumns(r.id(), r.replicaIdentity())),
                catalog.typeNames(r.columns()));
        relations.put(r.id(), info);
        log.debug("relation {} = {} with key columns {}", Integer.toUnsignedLong(r.id()), table, info.keyIndexes());
    }

    private void update(Update u) throws InterruptedException {
        RelationInfo rel = relation(u.relationId());
        rel.requireKey();
        TupleData newTuple = u.newTuple();
        if (u.oldTuple().isPresent() && u.oldKind().orElse('K') == 'O') {
            // REPLICA IDENTITY FULL: the old row arrives whole (detoasted), so it supplies every unchanged TOAST value.
            newTuple = TupleRows.withUnchangedFrom(newTuple, u.oldTuple().get());
        }
        SourceRow row = TupleRows.row(rel, newTuple);
        if (u.oldTuple().isPresent()) {
            // 'K' comes only when the key changed; 'O' (REPLICA IDENTITY FULL) with every update.
            SourceRow old = TupleRows.row(rel, u.oldTuple().get());
            if (!old.sameKey(row)) {
                if (row.complete()) {
                    events.delete(rel.table(), old);
                } else {
                    // An unchanged TOAST value is not sent: the row under the old key holds it.
                    events.move(rel.table(), old, row);
                    return;
                }
            }
        }
        events.upsert(rel.table(), row);
    }

    /** Whether a row change is to be reported: it must come inside a transaction that is not being skipped. */
    private boolean change(String kind) {
        if (!open) {
            throw new IllegalStateException("pgoutput " + kind + " outside a transaction");
        }
        return !skipping;
    }

    private RelationInfo relation(int id) {
        RelationInfo info = relations.get(id);
        if (info == null) {
            throw new IllegalStateException("pgoutput referenced relation " + Integer.toUnsignedLong(id)
                    + " before describing it");
        }
        return info;
    }
}
