package io.cdcsink.pg;

import io.cdcsink.api.JsonText;
import io.cdcsink.pg.PgOutputMessage.Binary;
import io.cdcsink.pg.PgOutputMessage.Null;
import io.cdcsink.pg.PgOutputMessage.Text;
import io.cdcsink.pg.PgOutputMessage.TupleData;
import io.cdcsink.pg.PgOutputMessage.UnchangedToast;
import io.cdcsink.pg.PgOutputMessage.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns pgoutput tuples into the key and row JSON of {@link io.cdcsink.api.LogicalEvents}. Values stay in
 * PostgreSQL's text format as JSON strings (the target casts them to the column type); NULL becomes JSON null;
 * unchanged TOAST values are left out of rows so the target keeps what it has. The text is built directly in a
 * {@link StringBuilder} ({@link JsonText}): this runs for every replicated row.
 */
final class TupleJson {
    private TupleJson() {
    }

    /** The JSON array of the key columns' values, in key order. */
    static String key(RelationInfo relation, TupleData tuple) {
        checkWidth(relation, tuple);
        StringBuilder out = new StringBuilder(16 * relation.keyIndexes().size() + 2).append('[');
        for (int index : relation.keyIndexes()) {
            Value v = tuple.values().get(index);
            if (v instanceof UnchangedToast) {
                throw new IllegalStateException("key column " + relation.columnName(index) + " of table "
                        + relation.table() + " arrived as an unchanged TOAST value without its content; "
                        + "cdc-sink cannot tell which row it belongs to");
            }
            if (out.length() > 1) {
                out.append(',');
            }
            write(out, relation, index, v);
        }
        return out.append(']').toString();
    }

    /** The JSON object of all columns sent with a value; unchanged TOAST columns are omitted. */
    static String row(RelationInfo relation, TupleData tuple) {
        checkWidth(relation, tuple);
        StringBuilder out = new StringBuilder(24 * tuple.values().size() + 2).append('{');
        for (int i = 0; i < tuple.values().size(); i++) {
            Value v = tuple.values().get(i);
            if (v instanceof UnchangedToast) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            JsonText.appendString(out, relation.columnName(i)).append(':');
            write(out, relation, i, v);
        }
        return out.append('}').toString();
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

    private static void write(StringBuilder out, RelationInfo relation, int index, Value v) {
        if (v instanceof Text t) {
            JsonText.appendString(out, t.text());
        } else if (v instanceof Null) {
            out.append("null");
        } else if (v instanceof Binary) {
            // cdc-sink never asks for the binary option, so the server must not send this.
            throw new IllegalStateException("column " + relation.columnName(index) + " of table " + relation.table()
                    + " arrived in binary format, which cdc-sink does not request");
        } else {
            throw new IllegalStateException("unexpected value " + v + " in column " + relation.columnName(index));
        }
    }

    private static void checkWidth(RelationInfo relation, TupleData tuple) {
        int expected = relation.relation().columns().size();
        if (tuple.values().size() != expected) {
            throw new IllegalStateException("column count mismatch in " + relation.table() + ": the relation has "
                    + expected + " columns, the row " + tuple.values().size());
        }
    }
}
