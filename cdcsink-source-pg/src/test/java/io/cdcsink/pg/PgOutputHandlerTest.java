package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.pg.PgOutputMessage.Begin;
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
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgOutputHandlerTest {
    private static final Instant T = Instant.parse("2024-01-02T03:04:05Z");
    private final RecordingEvents events = new RecordingEvents();

    private static Relation rel(int id, char identity, Column... columns) {
        return new Relation(id, "public", "t" + id, identity, List.of(columns));
    }

    private static Column key(String name) {
        return new Column(1, name, 25, -1);
    }

    private static Column col(String name) {
        return new Column(0, name, 25, -1);
    }

    private static TupleData tuple(Object... values) {
        return new TupleData(Arrays.stream(values).map(v -> v instanceof Value value ? value : new Text((String) v))
                .toList());
    }

    private PgOutputHandler handler(SourceCatalog catalog, long from) {
        return new PgOutputHandler("target", catalog, events, from);
    }

    @Test
    void transactionIsBracketedAndPositionIsTheEndLsn() throws Exception {
        PgOutputHandler h = handler(SourceCatalog.NONE, 0);
        h.handle(new Begin(0x100, T, 1));
        h.handle(rel(1, 'd', key("id"), col("v")));
        h.handle(new Insert(1, tuple("1", "a\"b\\c\n😀\u0001")));
        h.handle(new Insert(1, tuple("2", new Null())));
        assertThat(h.reportedOpenTransaction()).isTrue();
        h.handle(new Commit(0, 0x100, 0x1_0000_0128L, T));
        assertThat(h.inTransaction()).isFalse();
        assertThat(events.lines()).containsExactly(
                "begin",
                "upsert public.t1 [\"1\"] {\"id\":\"1\",\"v\":\"a\\\"b\\\\c\\n😀\\u0001\"}",
                "upsert public.t1 [\"2\"] {\"id\":\"2\",\"v\":null}",
                "commit");
        assertThat(events.commits().get(0).text()).isEqualTo("1/128");
        assertThat(events.commits().get(0).commitTime()).isEqualTo(T);
    }

    @Test
    void transactionsCommittedBeforeTheStartAreSkipped() throws Exception {
        PgOutputHandler h = handler(SourceCatalog.NONE, 0x200);
        h.handle(new Begin(0x1f0, T, 1));
        h.handle(rel(1, 'd', key("id")));
        h.handle(new Insert(1, tuple("1")));
        assertThat(h.inTransaction()).isTrue();
        assertThat(h.reportedOpenTransaction()).isFalse();
        h.handle(new Commit(0, 0x1f0, 0x200, T));
        h.handle(new Begin(0x200, T, 2));
        h.handle(new Insert(1, tuple("2")));
        h.handle(new Commit(0, 0x200, 0x230, T));
        assertThat(events.lines()).containsExactly("begin", "upsert public.t1 [\"2\"] {\"id\":\"2\"}", "commit");
        assertThat(events.commits().get(0).text()).isEqualTo("0/230");
    }

    @Test
    void keyChangeDeletesTheOldRowAndFullIdentityUsesThePrimaryKey() throws Exception {
        PgOutputHandler h = handler((id, identity) -> id == 2 ? List.of("id") : List.of(), 0);
        h.handle(new Begin(1, T, 1));
        h.handle(rel(1, 'd', key("id"), col("v")));
        h.handle(new Update(1, Optional.of('K'), Optional.of(tuple("1", new Null())), tuple("9", "x")));
        h.handle(new Update(1, Optional.empty(), Optional.empty(), tuple("9", "y")));
        // REPLICA IDENTITY FULL flags every column; the old row always comes.
        h.handle(rel(2, 'f', key("v"), key("id")));
        h.handle(new Update(2, Optional.of('O'), Optional.of(tuple("old", "1")), tuple("new", "1")));
        h.handle(new Update(2, Optional.of('O'), Optional.of(tuple("new", "1")), tuple("new", "2")));
        h.handle(new Delete(2, 'O', tuple("new", "2")));
        h.handle(new Commit(0, 1, 2, T));
        assertThat(events.lines()).containsExactly(
                "begin",
                "delete public.t1 [\"1\"]",
                "upsert public.t1 [\"9\"] {\"id\":\"9\",\"v\":\"x\"}",
                "upsert public.t1 [\"9\"] {\"id\":\"9\",\"v\":\"y\"}",
                "upsert public.t2 [\"1\"] {\"v\":\"new\",\"id\":\"1\"}",
                "delete public.t2 [\"1\"]",
                "upsert public.t2 [\"2\"] {\"v\":\"new\",\"id\":\"2\"}",
                "delete public.t2 [\"2\"]",
                "commit");
    }

    @Test
    void keyFollowsTheIndexOrderFromTheCatalog() throws Exception {
        PgOutputHandler h = handler((id, identity) -> List.of("b", "a"), 0);
        h.handle(new Begin(1, T, 1));
        h.handle(rel(1, 'd', key("a"), key("b"), col("c")));
        h.handle(new Insert(1, tuple("1", "2", "3")));
        // A catalog that disagrees with the flags (the table changed since) loses to the flags.
        h.handle(rel(2, 'd', key("a"), col("b")));
        h.handle(new Insert(2, tuple("1", "2")));
        assertThat(events.lines()).containsExactly("begin",
                "upsert public.t1 [\"2\",\"1\"] {\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}",
                "upsert public.t2 [\"1\"] {\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void unchangedToastIsOmittedFromRowsButNeverAKey() throws Exception {
        PgOutputHandler h = handler(SourceCatalog.NONE, 0);
        h.handle(new Begin(1, T, 1));
        h.handle(rel(1, 'd', key("id"), col("big"), col("n")));
        h.handle(new Update(1, Optional.empty(), Optional.empty(), tuple("1", new UnchangedToast(), "2")));
        assertThat(events.lines()).containsExactly("begin", "upsert public.t1 [\"1\"] {\"id\":\"1\",\"n\":\"2\"}");
        assertThatThrownBy(() -> h.handle(new Update(1, Optional.empty(), Optional.empty(),
                tuple(new UnchangedToast(), "x", "2"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key column id of table target.public.t1");
    }

    @Test
    void aKeyChangeThatLeavesAToastValueOutIsAMoveAndTheFullOldRowFillsItIn() throws Exception {
        PgOutputHandler h = handler((id, identity) -> List.of("id"), 0);
        h.handle(new Begin(1, T, 1));
        h.handle(rel(1, 'd', key("id"), col("big"), col("n")));
        // The old key tuple carries the key only: the target's row under it holds the value.
        h.handle(new Update(1, Optional.of('K'), Optional.of(tuple("1", new Null(), new Null())),
                tuple("2", new UnchangedToast(), "5")));
        // REPLICA IDENTITY FULL: the old row arrives whole and fills in the new one.
        h.handle(rel(2, 'f', key("id"), key("big"), key("n")));
        h.handle(new Update(2, Optional.of('O'), Optional.of(tuple("1", "large", "4")),
                tuple("2", new UnchangedToast(), "5")));
        h.handle(new Update(2, Optional.of('O'), Optional.of(tuple("2", "large", "5")),
                tuple("2", new UnchangedToast(), "6")));
        assertThat(events.lines()).containsExactly("begin",
                "move public.t1 [\"1\"] [\"2\"] {\"id\":\"2\",\"n\":\"5\"}",
                "delete public.t2 [\"1\"]",
                "upsert public.t2 [\"2\"] {\"id\":\"2\",\"big\":\"large\",\"n\":\"5\"}",
                "upsert public.t2 [\"2\"] {\"id\":\"2\",\"big\":\"large\",\"n\":\"6\"}");
    }

    @Test
    void tablesWithoutKeyAreRejectedByName() throws Exception {
        PgOutputHandler h = handler(SourceCatalog.NONE, 0);
        h.handle(new Begin(1, T, 1));
        h.handle(rel(1, 'd', col("v")));
        h.handle(rel(2, 'n', col("id"), col("v")));
        assertThatThrownBy(() -> h.handle(new Insert(1, tuple("x"))))
                .hasMessageContaining("table target.public.t1 has no primary key / replica identity; "
                        + "cdc-sink needs one");
        assertThatThrownBy(() -> h.handle(new Insert(2, tuple("1", "x"))))
                .hasMessageContaining("table target.public.t2 has no primary key");
    }

    @Test
    void truncateReportsEveryTableAndOtherMessagesAreIgnored() throws Exception {
        PgOutputHandler h = handler(SourceCatalog.NONE, 0);
        h.handle(new Begin(1, T, 1));
        h.handle(new Type(1, "public", "mood"));
        h.handle(new Origin(1, "elsewhere"));
        h.handle(new Message(true, 1, "p", new byte[0]));
        h.handle(rel(1, 'd', key("id")));
        h.handle(rel(2, 'd', key("id")));
        h.handle(new Truncate(Truncate.CASCADE, List.of(1, 2)));
        h.handle(new Commit(0, 1, 2, T));
        assertThat(events.lines()).containsExactly("begin", "truncate public.t1", "truncate public.t2", "commit");
    }

    @Test
    void protocolViolationsFail() throws Exception {
        PgOutputHandler h = handler(SourceCatalog.NONE, 0);
        assertThatThrownBy(() -> h.handle(new Insert(1, tuple("1")))).hasMessageContaining("outside a transaction");
        assertThatThrownBy(() -> h.handle(new Commit(0, 1, 2, T))).hasMessageContaining("without a Begin");
        h.handle(new Begin(1, T, 1));
        assertThatThrownBy(() -> h.handle(new Insert(5, tuple("1")))).hasMessageContaining("relation 5");
        assertThatThrownBy(() -> h.handle(new Begin(1, T, 1))).hasMessageContaining("while a transaction is open");
        h.handle(rel(1, 'd', key("id"), col("v")));
        assertThatThrownBy(() -> h.handle(new Insert(1, tuple("1"))))
                .hasMessageContaining("column count mismatch in target.public.t1");
    }
}
