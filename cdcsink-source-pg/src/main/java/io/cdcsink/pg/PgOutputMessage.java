package io.cdcsink.pg;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One logical replication message of the pgoutput plugin, protocol version 1, as {@link PgOutputDecoder} reads it.
 * LSNs are raw 64-bit WAL positions; relation ids are the source table's OID.
 */
public sealed interface PgOutputMessage {

    /** A transaction starts; {@code finalLsn} is the LSN of its commit record. */
    record Begin(long finalLsn, Instant commitTime, int xid) implements PgOutputMessage {
        public Begin {
            Objects.requireNonNull(commitTime, "commitTime");
        }
    }

    /** A transaction committed; {@code endLsn} is the LSN just after its commit record. */
    record Commit(int flags, long commitLsn, long endLsn, Instant commitTime) implements PgOutputMessage {
        public Commit {
            Objects.requireNonNull(commitTime, "commitTime");
        }
    }

    /** Describes a table before the first change to it in a session, and again after its definition changes. */
    record Relation(int id, String namespace, String name, char replicaIdentity, List<Column> columns)
            implements PgOutputMessage {
        /** Replica identity settings as {@code pg_class.relreplident} spells them. */
        public static final char IDENTITY_DEFAULT = 'd';
        public static final char IDENTITY_NOTHING = 'n';
        public static final char IDENTITY_FULL = 'f';
        public static final char IDENTITY_INDEX = 'i';

        public Relation {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
        }
    }

    /**
     * A column of a {@link Relation}.
     *
     * @param flags 1 when the column is part of the replica identity (for REPLICA IDENTITY FULL: every column)
     */
    record Column(int flags, String name, int typeOid, int typeModifier) {
        public Column {
            Objects.requireNonNull(name, "name");
        }

        public boolean isKey() {
            return (flags & 1) != 0;
        }
    }

    record Insert(int relationId, TupleData newTuple) implements PgOutputMessage {
        public Insert {
            Objects.requireNonNull(newTuple, "newTuple");
        }
    }

    /**
     * An updated row.
     *
     * @param oldKind  'K' when {@code oldTuple} holds only the old replica identity (sent when it changed), 'O' when
     *                 it holds the whole old row (REPLICA IDENTITY FULL); absent when no old tuple was sent
     * @param oldTuple the old key or row, if sent
     */
    record Update(int relationId, Optional<Character> oldKind, Optional<TupleData> oldTuple, TupleData newTuple)
            implements PgOutputMessage {
        public Update {
            Objects.requireNonNull(oldKind, "oldKind");
            Objects.requireNonNull(oldTuple, "oldTuple");
            Objects.requireNonNull(newTuple, "newTuple");
            if (oldKind.isPresent() != oldTuple.isPresent()) {
                throw new IllegalArgumentException("old tuple kind and old tuple must come together");
            }
        }
    }

    /** A deleted row: {@code oldKind} 'K' (replica identity only) or 'O' (whole old row). */
    record Delete(int relationId, char oldKind, TupleData oldTuple) implements PgOutputMessage {
        public Delete {
            Objects.requireNonNull(oldTuple, "oldTuple");
        }
    }

    /** TRUNCATE of one or more tables. */
    record Truncate(int options, List<Integer> relationIds) implements PgOutputMessage {
        public static final int CASCADE = 1;
        public static final int RESTART_IDENTITY = 2;

        public Truncate {
            relationIds = List.copyOf(relationIds);
        }

        public boolean cascade() {
            return (options & CASCADE) != 0;
        }

        public boolean restartIdentity() {
            return (options & RESTART_IDENTITY) != 0;
        }
    }

    /** Describes a non-built-in data type used by a following Relation. */
    record Type(int oid, String namespace, String name) implements PgOutputMessage {
        public Type {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
        }
    }

    /** The transaction originated on another node (replication origin). */
    record Origin(long commitLsn, String name) implements PgOutputMessage {
        public Origin {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A message written with {@code pg_logical_emit_message}. */
    record Message(boolean transactional, long lsn, String prefix, byte[] content) implements PgOutputMessage {
        public Message {
            Objects.requireNonNull(prefix, "prefix");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    /** The column values of one row, in the relation's column order. */
    record TupleData(List<Value> values) {
        public TupleData {
            values = List.copyOf(values);
        }
    }

    /** One column value of a {@link TupleData}. */
    sealed interface Value {
    }

    /** SQL NULL ('n'). */
    record Null() implements Value {
    }

    /** An unchanged TOASTed value whose content was not sent ('u'). */
    record UnchangedToast() implements Value {
    }

    /** A value in the type's text format ('t'). */
    record Text(String text) implements Value {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A value in the type's binary format ('b'). */
    record Binary(byte[] bytes) implements Value {
        public Binary {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
