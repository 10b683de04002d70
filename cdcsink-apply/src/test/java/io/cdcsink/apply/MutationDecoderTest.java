package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static io.cdcsink.apply.SourceRows.ABSENT;
import static io.cdcsink.apply.SourceRows.row;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.RowChange;
import io.cdcsink.api.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutationDecoderTest {
    private static final TableName T = new TableName("db", "public", "t");
    private final MutationDecoder decoder = new MutationDecoder(new JsonCodec());

    @Test
    void keysAreNormalisedAndNumbersWrittenPlain() {
        List<DecodedMutation> d = decoder.decode(T, List.of(
                Mutation.delete(new Hlc(1, 0), "[ 1 , \"a\" ]"),
                Mutation.delete(new Hlc(1, 0), "[4E+2]")));
        assertThat(d).extracting(DecodedMutation::keyText).containsExactly("[1,\"a\"]", "[400]");
    }

    @Test
    void lastOneWinsByTimeThenListOrder() {
        List<DecodedMutation> d = decoder.decode(T, List.of(
                Mutation.upsert(new Hlc(2, 0), "[1]", "{\"v\":\"t2\"}"),
                Mutation.upsert(new Hlc(1, 5), "[1]", "{\"v\":\"older\"}"),
                Mutation.upsert(new Hlc(3, 0), "[2]", "{\"v\":\"first\"}"),
                Mutation.delete(new Hlc(3, 0), "[ 2 ]")));
        List<DecodedMutation> winners = MutationDecoder.fold(d);
        assertThat(winners).hasSize(2);
        assertThat(winners.get(0).after().orElseThrow().get("v").asText()).isEqualTo("t2");
        assertThat(winners.get(1).isDelete()).isTrue();
    }

    private static String text(DecodedMutation m) {
        return m.after().map(r -> r.tree().toString()).orElse("deleted") + m.origin().map(o -> " from " + o.text())
                .orElse("");
    }

    private List<String> folded(Mutation... mutations) {
        return MutationDecoder.fold(decoder.decode(T, List.of(mutations))).stream()
                .map(m -> m.keyText() + " " + text(m)).toList();
    }

    @Test
    void anUpdateThatLeavesAColumnOutKeepsTheInsertedValue() {
        // An insert and an update in one transaction, the update leaving an unchanged TOAST value out.
        assertThat(folded(
                Mutation.upsert(new Hlc(1, 0), "[1]", "{\"k\":1,\"big\":\"x\",\"v\":\"a\"}"),
                Mutation.upsert(new Hlc(1, 0), "[1]", "{\"k\":1,\"v\":\"b\"}"),
                Mutation.upsert(new Hlc(2, 0), "[1]", "{\"k\":1,\"v\":\"c\"}")))
                .containsExactly("[1] {\"k\":1,\"big\":\"x\",\"v\":\"c\"}");
    }

    @Test
    void anOlderChangeArrivingLateOnlyFillsIn() {
        assertThat(folded(
                Mutation.upsert(new Hlc(2, 0), "[1]", "{\"k\":1,\"v\":\"new\"}"),
                Mutation.upsert(new Hlc(1, 0), "[1]", "{\"k\":1,\"v\":\"old\",\"w\":\"w1\"}")))
                .containsExactly("[1] {\"k\":1,\"v\":\"new\",\"w\":\"w1\"}");
    }

    private static List<String> foldedChanges(RowChange... changes) {
        return MutationDecoder.fold(MutationDecoder.decode(List.of(changes))).stream()
                .map(m -> m.keyText() + " " + text(m)).toList();
    }

    @Test
    void aMovedRowTakesWhatItLeavesOutFromTheTargetUnderItsOldKey() {
        assertThat(foldedChanges(RowChange.move(new Hlc(1, 0), row("2", null, null), row("3", ABSENT, "a"))))
                .containsExactly("[\"3\"] {\"k\":\"3\",\"v\":\"a\"} from [\"2\"]", "[\"2\"] deleted");
    }

    @Test
    void aMovedRowTakesWhatItLeavesOutFromThePendingRowOfItsOldKey() {
        assertThat(foldedChanges(
                RowChange.upsert(new Hlc(1, 0), row("2", "x", "a")),
                RowChange.move(new Hlc(1, 0), row("2", null, null), row("3", ABSENT, "b")),
                RowChange.upsert(new Hlc(2, 0), row("3", ABSENT, "c"))))
                .containsExactly("[\"2\"] deleted",
                        "[\"3\"] {\"k\":\"3\",\"big\":\"x\",\"v\":\"c\"} from [\"2\"]");
    }

    @Test
    void anInsertAndAnUpdateThatLeavesAValueOutFoldIntoTheWholeRow() {
        assertThat(foldedChanges(
                RowChange.upsert(new Hlc(1, 0), row("1", "x", "a")),
                RowChange.upsert(new Hlc(1, 0), row("1", ABSENT, "b"))))
                .containsExactly("[\"1\"] {\"k\":\"1\",\"big\":\"x\",\"v\":\"b\"}");
    }

    @Test
    void aChainOfMovesTakesFromTheFirstKeyInTheTarget() {
        // k 1 -> 2 in one transaction, then 2 -> 3 in the next, applied together: the target only has key 1.
        assertThat(foldedChanges(
                RowChange.upsert(new Hlc(1, 0), row("1", ABSENT, "a")),
                RowChange.move(new Hlc(2, 0), row("1", null, null), row("2", ABSENT, "b")),
                RowChange.move(new Hlc(3, 0), row("2", null, null), row("3", ABSENT, ABSENT))))
                .containsExactly("[\"1\"] deleted", "[\"2\"] deleted",
                        "[\"3\"] {\"k\":\"3\",\"v\":\"b\"} from [\"1\"]");
    }

    @Test
    void aMoveToItsOwnKeyIsAnUpdate() {
        assertThat(foldedChanges(RowChange.move(new Hlc(1, 0), row("2", null, null), row("2", ABSENT, "v"))))
                .containsExactly("[\"2\"] {\"k\":\"2\",\"v\":\"v\"}");
    }

    @Test
    void aKeyReusedAfterAMoveIsANewRow() {
        assertThat(foldedChanges(
                RowChange.move(new Hlc(1, 0), row("1", null, null), row("2", ABSENT, ABSENT)),
                RowChange.upsert(new Hlc(2, 0), row("1", "new", "n"))))
                .containsExactly("[\"2\"] {\"k\":\"2\"} from [\"1\"]",
                        "[\"1\"] {\"k\":\"1\",\"big\":\"new\",\"v\":\"n\"}");
    }

    @Test
    void duplicatePropertiesAreRejected() {
        assertThatThrownBy(() -> decoder.decode(T, List.of(
                Mutation.upsert(new Hlc(1, 0), "[1]", "{\"v\":1,\"v\":2}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("table db.public.t")
                .hasMessageContaining("Duplicate field 'v'");
    }

    @Test
    void emptyKeyArrayIsRejected() {
        assertThatThrownBy(() -> decoder.decode(T, List.of(Mutation.delete(new Hlc(1, 0), "[]"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("empty JSON array");
    }
}
