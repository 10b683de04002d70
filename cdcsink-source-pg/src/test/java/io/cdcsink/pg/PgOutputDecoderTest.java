package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.cdcsink.pg.PgOutputMessage.Type;
import io.cdcsink.pg.PgOutputMessage.UnchangedToast;
import io.cdcsink.pg.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgOutputDecoderTest {
    /** 2023-11-14T22:13:20.123456Z in microseconds since 2000-01-01. */
    private static final long MICROS = (1_700_000_000L - 946_684_800L) * 1_000_000L + 123_456L;
    private static final Instant TIME = Instant.parse("2023-11-14T22:13:20.123456Z");

    @Test
    void beginCarriesFinalLsnCommitTimeAndXid() {
        ByteBuffer buf = PgOutputBytes.of('B').i64(0x1_6B37_48L).i64(MICROS).i32(742).buffer();
        assertThat(PgOutputDecoder.decode(buf)).isEqualTo(new Begin(0x1_6B37_48L, TIME, 742));
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void commitCarriesCommitAndEndLsn() {
        ByteBuffer buf = PgOutputBytes.of('C').b(0).i64(100).i64(0x2_0000_0010L).i64(MICROS).buffer();
        assertThat(PgOutputDecoder.decode(buf)).isEqualTo(new Commit(0, 100, 0x2_0000_0010L, TIME));
    }

    @Test
    void timestampsBeforeTheEpochAndAtIt() {
        assertThat(PgOutputDecoder.timestamp(0)).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        assertThat(PgOutputDecoder.timestamp(-1)).isEqualTo(Instant.parse("1999-12-31T23:59:59.999999Z"));
    }

    @Test
    void relationListsColumnsAndEmptyNamespaceMeansPgCatalog() {
        ByteBuffer buf = PgOutputBytes.of('R').i32(16385).str("").str("tbl").b('f').i16(2)
                .b(1).str("id").i32(23).i32(-1)
                .b(0).str("näme").i32(1043).i32(36)
                .buffer();
        assertThat(PgOutputDecoder.decode(buf)).isEqualTo(new Relation(16385, "pg_catalog", "tbl", 'f',
                List.of(new Column(1, "id", 23, -1), new Column(0, "näme", 1043, 36))));
        Relation r = (Relation) PgOutputDecoder.decode(PgOutputBytes.of('R').i32(1).str("s").str("t").b('d')
                .i16(0).buffer());
        assertThat(r.namespace()).isEqualTo("s");
        assertThat(r.columns()).isEmpty();
    }

    @Test
    void insertWithEveryTupleValueKind() {
        ByteBuffer buf = PgOutputBytes.of('I').i32(7).b('N').i16(4)
                .text("a\"b\\c\n😀").b('n').b('u').binary(new byte[] {1, 2, 3})
                .buffer();
        Insert insert = (Insert) PgOutputDecoder.decode(buf);
        assertThat(insert.relationId()).isEqualTo(7);
        assertThat(insert.newTuple().values()).hasSize(4);
        assertThat(insert.newTuple().values().get(0)).isEqualTo(new Text("a\"b\\c\n😀"));
        assertThat(insert.newTuple().values().get(1)).isInstanceOf(Null.class);
        assertThat(insert.newTuple().values().get(2)).isInstanceOf(UnchangedToast.class);
        assertThat(((Binary) insert.newTuple().values().get(3)).bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void updateWithoutOldTuple() {
        Update u = (Update) PgOutputDecoder.decode(PgOutputBytes.of('U').i32(7).b('N').i16(1).text("x").buffer());
        assertThat(u.oldKind()).isEmpty();
        assertThat(u.oldTuple()).isEmpty();
        assertThat(u.newTuple().values()).containsExactly(new Text("x"));
    }

    @Test
    void updateWithOldKeyAndWithOldRow() {
        Update k = (Update) PgOutputDecoder.decode(PgOutputBytes.of('U').i32(7)
                .b('K').i16(2).text("1").b('n')
                .b('N').i16(2).text("2").text("v").buffer());
        assertThat(k.oldKind()).contains('K');
        assertThat(k.oldTuple().orElseThrow().values()).containsExactly(new Text("1"), new Null());
        assertThat(k.newTuple().values()).containsExactly(new Text("2"), new Text("v"));

        Update o = (Update) PgOutputDecoder.decode(PgOutputBytes.of('U').i32(7)
                .b('O').i16(1).text("old").b('N').i16(1).b('u').buffer());
        assertThat(o.oldKind()).isEqualTo(Optional.of('O'));
        assertThat(o.newTuple().values()).containsExactly(new UnchangedToast());
    }

    @Test
    void deleteWithKeyOrOldRow() {
        Delete d = (Delete) PgOutputDecoder.decode(PgOutputBytes.of('D').i32(9).b('K').i16(1).text("5").buffer());
        assertThat(d.relationId()).isEqualTo(9);
        assertThat(d.oldKind()).isEqualTo('K');
        assertThat(d.oldTuple().values()).containsExactly(new Text("5"));
        assertThat(((Delete) PgOutputDecoder.decode(PgOutputBytes.of('D').i32(9).b('O').i16(0).buffer())).oldKind())
                .isEqualTo('O');
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.of('D').i32(9).b('N').i16(0).buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 'K' or 'O'");
    }

    @Test
    void truncateWithOptions() {
        Truncate t = (Truncate) PgOutputDecoder.decode(PgOutputBytes.of('T').i32(2).b(3).i32(10).i32(11).buffer());
        assertThat(t.relationIds()).containsExactly(10, 11);
        assertThat(t.cascade()).isTrue();
        assertThat(t.restartIdentity()).isTrue();
        Truncate plain = (Truncate) PgOutputDecoder.decode(PgOutputBytes.of('T').i32(1).b(0).i32(10).buffer());
        assertThat(plain.cascade()).isFalse();
        assertThat(plain.restartIdentity()).isFalse();
    }

    @Test
    void typeOriginAndMessage() {
        assertThat(PgOutputDecoder.decode(PgOutputBytes.of('Y').i32(16400).str("public").str("mood").buffer()))
                .isEqualTo(new Type(16400, "public", "mood"));
        assertThat(PgOutputDecoder.decode(PgOutputBytes.of('O').i64(77).str("node1").buffer()))
                .isEqualTo(new Origin(77, "node1"));
        Message m = (Message) PgOutputDecoder.decode(PgOutputBytes.of('M').b(1).i64(88).str("pfx").i32(2)
                .b('h').b('i').buffer());
        assertThat(m.transactional()).isTrue();
        assertThat(m.lsn()).isEqualTo(88);
        assertThat(m.prefix()).isEqualTo("pfx");
        assertThat(new String(m.content(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void decodesFromTheBufferPositionOfASlice() {
        ByteBuffer whole = PgOutputBytes.of('x').b('x').b('I').i32(1).b('N').i16(1).text("v").buffer();
        whole.position(2);
        Insert i = (Insert) PgOutputDecoder.decode(whole.slice());
        assertThat(i.newTuple().values()).containsExactly(new Text("v"));
    }

    @Test
    void unknownTypesAndTruncatedMessagesFailClearly() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.of('S').i32(1).buffer()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown pgoutput message type 'S'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.of('B').i32(1).buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.of('I').i32(1).b('N').i16(1).b('t')
                .i32(100).b('x').buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.of('I').i32(1).b('N').i16(1).b('z')
                .buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown tuple value kind 'z'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(PgOutputBytes.of('Y').i32(1).b('a').buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
