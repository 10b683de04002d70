package io.cdcsink.pg;

import io.cdcsink.api.SourceRow;
import io.cdcsink.pg.PgOutputMessage.Binary;
import io.cdcsink.pg.PgOutputMessage.Null;
import io.cdcsink.pg.PgOutputMessage.Text;
import io.cdcsink.pg.PgOutputMessage.TupleData;
import io.cdcsink.pg.PgOutputMessage.UnchangedToast;
import io.cdcsink.pg.PgOutputMessage.Value;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Turns pgoutput tuples into {@link SourceRow}s of their relation's shape. Values stay in PostgreSQL's text format,
 * exactly as pgoutput sent them (the target's input functions read them); NULL stays null; unchanged TOAST values are
 * left out so the target keeps what it has. Nothing here is JSON: this runs for every replicated row.
 */
final class TupleRows {
    private TupleRows() {
    }

    /** The tuple as a row of the relation's shape. */
    static SourceRow row(RelationInfo relation, TupleData tuple) {
        checkWidth(relation, tuple);
        List<Value> tupleValues = tuple.values();
        String[] values = new String[tupleValues.size()];
        BitSet absent = null;
        for (int i = 0; i < values.length; i++) {
            Value v = tupleValues.get(i);
            if (v instanceof Text t) {
                values[i] = t.text();
            } else if (v instanceof UnchangedToast) {
                if (relation.isKey(i)) {
                    throw new IllegalStateException("key column " + relation.columnName(i) + " of table "
                            + relation.table() + " arrived as an unchanged TOAST value without its content; "
                            + "cdc-sink cannot tell which row it belongs to");
                }
                if (absent == null) {
                    absent = new BitSet(values.length);
                }
                absent.set(i);
            } else if (v instanceof Binary) {
                // cdc-sink never asks for the binary option, so the server must not send this.
                throw new IllegalStateException("column " + relation.columnName(i) + " of table " + relation.table()
                        + " arrived in binary format, which cdc-sink does not request");
            } else if (!(v instanceof Null)) {
                throw new IllegalStateException("unexpected value " + v + " in column " + relation.columnName(i));
            }
        }
        return absent == null ? SourceRow.of(relation.shape(), values) : SourceRow.of(relation.shape(), values, absent);
    }

    /** True when the tuple carries every value: no unchanged TOAST value is left out. */
    static boolean complete(TupleData tuple) {
        for (Value v : tuple.values()) {
            if (v instanceof UnchangedToast) {
                return false;
            }
        }
        return true;
    }

    /** The new tuple with each unchanged TOAST value replaced by the old tuple's value where that one was sent. */
    static TupleData withUnchangedFrom(TupleData newTuple, TupleData oldTuple) {
        if (complete(newTuple) || oldTuple.values().size() != newTuple.values().size()) {
            return newTuple;
        }
        List<Value> values = new ArrayList<>(newTuple.values());
        for (int i = 0; i < values.size(); i++) {
            Value old = oldTuple.values().get(i);
            if (values.get(i) instanceof UnchangedToast && !(old instanceof UnchangedToast)) {
                values.set(i, old);
            }
        }
        return new TupleData(values);
    }

    private static void checkWidth(RelationInfo relation, TupleData tuple) {
        int expected = relation.relation().columns().size();
        if (tuple.values().size() != expected) {
            throw new IllegalStateException("column count mismatch in " + relation.table() + ": the relation has "
                    + expected + " columns, the row " + tuple.values().size());
        }
    }
}
