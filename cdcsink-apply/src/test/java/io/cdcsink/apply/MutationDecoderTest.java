package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
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
        List<DecodedMutation> winners = MutationDecoder.lastWins(d);
        assertThat(winners).hasSize(2);
        assertThat(winners.get(0).after().orElseThrow().get("v").asText()).isEqualTo("t2");
        assertThat(winners.get(1).isDelete()).isTrue();
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
