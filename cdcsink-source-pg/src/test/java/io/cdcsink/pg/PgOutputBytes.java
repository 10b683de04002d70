package io.cdcsink.pg;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds pgoutput messages byte by byte, as the server writes them. */
final class PgOutputBytes {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    static PgOutputBytes of(char type) {
        return new PgOutputBytes().b(type);
    }

    PgOutputBytes b(int v) {
        return run(() -> out.writeByte(v));
    }

    PgOutputBytes i16(int v) {
        return run(() -> out.writeShort(v));
    }

    PgOutputBytes i32(int v) {
        return run(() -> out.writeInt(v));
    }

    PgOutputBytes i64(long v) {
        return run(() -> out.writeLong(v));
    }

    /** A NUL-terminated string. */
    PgOutputBytes str(String s) {
        return run(() -> {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.writeByte(0);
        });
    }

    /** A tuple column in text format. */
    PgOutputBytes text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return run(() -> {
            out.writeByte('t');
            out.writeInt(b.length);
            out.write(b);
        });
    }

    PgOutputBytes binary(byte[] b) {
        return run(() -> {
            out.writeByte('b');
            out.writeInt(b.length);
            out.write(b);
        });
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes.toByteArray());
    }

    private PgOutputBytes run(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
