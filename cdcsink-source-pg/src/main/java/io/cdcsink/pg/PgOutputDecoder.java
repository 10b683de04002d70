package io.cdcsink.pg;

import io.cdcsink.pg.PgOutputMessage.Begin;
import io.cdcsink.pg.PgOutputMessage.Binary;
import io.cdcsink.pg.PgOutputMessage.Column;
import io.cdcsink.pg.PgOutputMessage.Commit;
import io.cdcsink.pg.PgOutputMessage.Delete;
import io.cdcsink.pg.PgOutputMessage.Insert;
import io.cdcsink.pg.PgOutputMessage.Message;
import io.cdcsink.pg.PgOutputMessage.Null;
import io.cdcsink.pg.PgOutputMessage.Origin;
import io.cdcsink.pg.PgOutputMessage.Relation;
import io.cdcsink.pg.PgOutputMessage.Text;
import io.cdcsink.pg.PgOutputMessage.Truncate;
import io.cdcsink.pg.PgOutputMessage.TupleData;
import io.cdcsink.pg.PgOutputMessage.Type;
import io.cdcsink.pg.PgOutputMessage.UnchangedToast;
import io.cdcsink.pg.PgOutputMessage.Update;
import io.cdcsink.pg.PgOutputMessage.Value;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses pgoutput protocol version 1 messages (the payload of one XLogData message). Knows nothing about where rows
 * go. Strings arrive in the client encoding, which PgJDBC sets to UTF-8.
 */
public final class PgOutputDecoder {
    /** PostgreSQL timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private PgOutputDecoder() {
    }

    /**
     * Decodes one message starting at the buffer's position; the buffer's position is advanced past it.
     *
     * @throws IllegalArgumentException for an unknown message type or a malformed message
     */
    public static PgOutputMessage decode(ByteBuffer buf) {
        if (!buf.hasRemaining()) {
            throw new IllegalArgumentException("empty pgoutput message");
        }
        char type = (char) buf.get();
        try {
            return switch (type) {
                case 'B' -> new Begin(buf.getLong(), timestamp(buf.getLong()), buf.getInt());
                case 'C' -> new Commit(buf.get(), buf.getLong(), buf.getLong(), timestamp(buf.getLong()));
                case 'R' -> relation(buf);
                case 'I' -> insert(buf);
                case 'U' -> update(buf);
                case 'D' -> delete(buf);
                case 'T' -> truncate(buf);
                case 'Y' -> new Type(buf.getInt(), string(buf), string(buf));
                case 'O' -> new Origin(buf.getLong(), string(buf));
                case 'M' -> message(buf);
                default -> throw new IllegalArgumentException("unknown pgoutput message type '" + printable(type)
                        + "' (only protocol version 1 is supported)");
            };
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated pgoutput message of type '" + printable(type) + "'", e);
        }
    }

    /** Converts microseconds since 2000-01-01 to an instant. */
    static Instant timestamp(long micros) {
        return Instant.ofEpochSecond(PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    private static Relation relation(ByteBuffer buf) {
        int id = buf.getInt();
        String namespace = string(buf);
        String name = string(buf);
        char identity = (char) buf.get();
        int count = Short.toUnsignedInt(buf.getShort());
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            columns.add(new Column(buf.get(), string(buf), buf.getInt(), buf.getInt()));
        }
        // Protocol: an empty namespace stands for pg_catalog.
        return new Relation(id, namespace.isEmpty() ? "pg_catalog" : namespace, name, identity, columns);
    }

    private static Insert insert(ByteBuffer buf) {
        int id = buf.getInt();
        expect(buf, 'N', "Insert");
        return new Insert(id, tuple(buf));
    }

    private static Update update(ByteBuffer buf) {
        int id = buf.getInt();
        char kind = (char) buf.get();
        Optional<Character> oldKind = Optional.empty();
        Optional<TupleData> oldTuple = Optional.empty();
        if (kind == 'K' || kind == 'O') {
            oldKind = Optional.of(kind);
            oldTuple = Optional.of(tuple(buf));
            kind = (char) buf.get();
        }
        if (kind != 'N') {
            throw new IllegalArgumentException("Update: expected 'N', got '" + printable(kind) + "'");
        }
        return new Update(id, oldKind, oldTuple, tuple(buf));
    }

    private static Delete delete(ByteBuffer buf) {
        int id = buf.getInt();
        char kind = (char) buf.get();
        if (kind != 'K' && kind != 'O') {
            throw new IllegalArgumentException("Delete: expected 'K' or 'O', got '" + printable(kind) + "'");
        }
        return new Delete(id, kind, tuple(buf));
    }

    private static Truncate truncate(ByteBuffer buf) {
        int count = buf.getInt();
        if (count < 0) {
            throw new IllegalArgumentException("Truncate: negative relation count " + count);
        }
        int options = Byte.toUnsignedInt(buf.get());
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(buf.getInt());
        }
        return new Truncate(options, ids);
    }

    private static Message message(ByteBuffer buf) {
        boolean transactional = (buf.get() & 1) != 0;
        long lsn = buf.getLong();
        String prefix = string(buf);
        byte[] content = bytes(buf, buf.getInt());
        return new Message(transactional, lsn, prefix, content);
    }

    private static TupleData tuple(ByteBuffer buf) {
        int count = Short.toUnsignedInt(buf.getShort());
        List<Value> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            char kind = (char) buf.get();
            values.add(switch (kind) {
                case 'n' -> new Null();
                case 'u' -> new UnchangedToast();
                case 't' -> new Text(text(buf, buf.getInt()));
                case 'b' -> new Binary(bytes(buf, buf.getInt()));
                default -> throw new IllegalArgumentException("unknown tuple value kind '" + printable(kind)
                        + "' in column " + (i + 1));
            });
        }
        return new TupleData(values);
    }

    private static void expect(ByteBuffer buf, char wanted, String message) {
        char got = (char) buf.get();
        if (got != wanted) {
            throw new IllegalArgumentException(message + ": expected '" + wanted + "', got '" + printable(got) + "'");
        }
    }

    private static String string(ByteBuffer buf) {
        int start = buf.position();
        int end = start;
        while (end < buf.limit() && buf.get(end) != 0) {
            end++;
        }
        if (end >= buf.limit()) {
            throw new BufferUnderflowException();
        }
        String s = text(buf, end - start);
        buf.get(); // the terminating NUL
        return s;
    }

    private static String text(ByteBuffer buf, int length) {
        checkLength(buf, length);
        String s;
        if (buf.hasArray()) {
            s = new String(buf.array(), buf.arrayOffset() + buf.position(), length, StandardCharsets.UTF_8);
            buf.position(buf.position() + length);
        } else {
            s = new String(bytes(buf, length), StandardCharsets.UTF_8);
        }
        return s;
    }

    private static byte[] bytes(ByteBuffer buf, int length) {
        checkLength(buf, length);
        byte[] b = new byte[length];
        buf.get(b);
        return b;
    }

    private static void checkLength(ByteBuffer buf, int length) {
        if (length < 0 || length > buf.remaining()) {
            throw new BufferUnderflowException();
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xff);
    }
}
