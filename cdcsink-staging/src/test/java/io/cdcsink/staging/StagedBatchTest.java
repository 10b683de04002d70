package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StagedBatchTest {
    /** Values that end or escape a field or a line, or are easy to get wrong in UTF-16 and UTF-8. */
    private static final List<String> EDGES = List.of("", "\t", "\n", "\r", "\r\n", "\\", "\\\\", "\\t", "\\n",
            "\\N", "\\.", "a\tb\nc\rd\\e", "\t\t\\\n", "caf\u00e9", "\u65e5\u672c\u8a9e", "\ud83d\ude00",
            "\ud83d\ude00\t\ud83d\ude00", "x\ud834\udd1ey", "\u2028\u2029", "\u00a0 \u200b", "\u007f\u0001\u001f",
            "\"quoted\\\"\"", "null", " null ", "{}", "[]", "\uffff\ufffe");

    private static List<Mutation> roundTrip(List<Mutation> mutations) {
        StagedBatch batch = StagedBatch.of(mutations, 1);
        return Arrays.stream(batch.lines().split("\n", -1)).map(StagedBatch::decode).toList();
    }

    @Test
    void everyEdgeValueComesBackCharacterForCharacterAsKeyAndAsData() {
        List<Mutation> mutations = new ArrayList<>();
        int i = 0;
        for (String edge : EDGES) {
            String key = "[\"" + edge + "\"," + i + "]";
            String data = "{\"v\":\"" + edge + "\"}";
            mutations.add(Mutation.upsert(new Hlc(1_700_000_000_000_000_000L + i, i), key, data));
            mutations.add(Mutation.upsert(new Hlc(i, Integer.MAX_VALUE), edge + "k" + i, edge.isBlank() ? "x" : edge));
            i++;
        }
        List<Mutation> back = roundTrip(mutations);
        assertThat(back).containsExactlyElementsOf(mutations);
        for (int m = 0; m < mutations.size(); m++) {
            assertThat(back.get(m).key()).isEqualTo(mutations.get(m).key());
            assertThat(back.get(m).data()).isEqualTo(mutations.get(m).data());
        }
    }

    @Test
    void aDeleteIsStagedAsJsonNullAndComesBackAsADelete() {
        Mutation delete = Mutation.delete(new Hlc(5, 1), "[\"a\\tb\"]");
        StagedBatch batch = StagedBatch.of(List.of(delete), 1);
        assertThat(batch.lines()).isEqualTo("5\t1\t[\"a\\\\tb\"]\tnull");
        assertThat(StagedBatch.decode(batch.lines())).isEqualTo(delete);
        assertThat(StagedBatch.decode(batch.lines()).isDelete()).isTrue();
    }

    @Test
    void linesHoldNoTabOrNewlineOfTheirValuesAndTheLastEndsTheText() {
        List<Mutation> mutations = List.of(Mutation.upsert(new Hlc(1, 0), "[\"\t\n\"]", "{\"v\":\"\t\r\n\"}"),
                Mutation.upsert(new Hlc(2, 0), "[2]", "{}"));
        String text = StagedBatch.of(mutations, 1).lines();
        assertThat(text.split("\n", -1)).hasSize(2).allSatisfy(line -> assertThat(line.split("\t", -1)).hasSize(4));
        assertThat(text).doesNotEndWith("\n");
        assertThat(StagedBatch.escapedKey(text.split("\n")[0])).isEqualTo("[\"\\t\\n\"]");
    }

    @Test
    void randomTextRoundTrips() {
        Random random = new Random(42);
        char[] alphabet = "ab\t\n\r\\\"{}[],: \u00e9\u65e5".toCharArray();
        List<Mutation> mutations = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            mutations.add(Mutation.upsert(new Hlc(random.nextLong(Long.MAX_VALUE), random.nextInt(1 << 20)),
                    "k" + text(random, alphabet), "d" + text(random, alphabet)
                            + (random.nextInt(10) == 0 ? "\ud83d\ude00" : "")));
        }
        assertThat(roundTrip(mutations)).containsExactlyElementsOf(mutations);
    }

    private static String text(Random random, char[] alphabet) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(30); n > 0; n--) {
            s.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return s.toString();
    }

    @Test
    void aBatchKnowsItsOldestAndNewestTimeWhateverTheOrder() {
        StagedBatch batch = StagedBatch.of(List.of(Mutation.upsert(new Hlc(20, 5), "[1]", "{}"),
                Mutation.upsert(new Hlc(10, 7), "[2]", "{}"), Mutation.upsert(new Hlc(20, 9), "[3]", "{}"),
                Mutation.upsert(new Hlc(10, 6), "[4]", "{}")), 9);
        assertThat(batch.min()).isEqualTo(new Hlc(10, 6));
        assertThat(batch.max()).isEqualTo(new Hlc(20, 9));
        assertThat(batch.overlaps(Optional.empty(), new Hlc(10, 6))).isTrue();
        assertThat(batch.overlaps(Optional.empty(), new Hlc(10, 5))).isFalse();
        assertThat(batch.overlaps(Optional.of(new Hlc(20, 8)), new Hlc(30, 0))).isTrue();
        assertThat(batch.overlaps(Optional.of(new Hlc(20, 9)), new Hlc(30, 0))).isFalse();
    }

    @Test
    void largeCallsAreSplitByCountAndBySizeIntoBatchesOfTheirOwnIds() {
        List<Mutation> many = new ArrayList<>();
        for (int i = 0; i < StagedBatch.MAX_MUTATIONS * 2 + 1; i++) {
            many.add(Mutation.upsert(new Hlc(i, 0), "[" + i + "]", "{}"));
        }
        List<StagedBatch> byCount = StagedBatch.of(many);
        assertThat(byCount).extracting(b -> b.mutations().size())
                .containsExactly(StagedBatch.MAX_MUTATIONS, StagedBatch.MAX_MUTATIONS, 1);
        assertThat(byCount).extracting(StagedBatch::id).doesNotHaveDuplicates();

        String big = "x".repeat(StagedBatch.MAX_CHARS / 3);
        List<StagedBatch> bySize = StagedBatch.of(List.of(Mutation.upsert(new Hlc(1, 0), "[1]", big),
                Mutation.upsert(new Hlc(2, 0), "[2]", big), Mutation.upsert(new Hlc(3, 0), "[3]", big),
                Mutation.upsert(new Hlc(4, 0), "[4]", "{}")));
        assertThat(bySize).extracting(b -> b.mutations().size()).containsExactly(2, 2);
        assertThat(StagedBatch.of(List.of(Mutation.upsert(new Hlc(1, 0), "[1]", big + big + big + big))))
                .as("one mutation larger than the limit is a batch of its own").hasSize(1);
    }

    @Test
    void linesNotWrittenByABatchAreRefused() {
        assertThatThrownBy(() -> StagedBatch.decode("1\t0\t[1]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too few fields");
        assertThatThrownBy(() -> StagedBatch.decode("x\t0\t[1]\t{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StagedBatch.decode("1\t0\t[1]\t{\\q}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StagedBatch.of(List.of(), 1)).isInstanceOf(RuntimeException.class);
    }
}
