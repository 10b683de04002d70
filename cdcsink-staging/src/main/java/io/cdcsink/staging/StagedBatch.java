package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.CopyText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One staged batch: mutations of one table from one staging call, stored as one row of a staging table with its id,
 * the time of its oldest and of its newest mutation, how many it holds, and the mutations as one text.
 *
 * <p>The text has one line per mutation, {@code nanos TAB logical TAB key TAB mut}, lines separated by a newline (none
 * after the last). The key and {@code mut} (the row's JSON, or JSON {@code null} for a delete) are escaped as
 * {@link CopyText#escape} escapes a COPY column, so neither holds a tab or a newline: the server can split the text
 * into lines and the lines into fields ({@code string_to_array}, {@code split_part}) to filter a window by time and
 * pick the newest mutation per key (comparing escaped keys, which is the same as comparing keys: the escape is
 * one-to-one). {@link #decode} reads a line back to the mutation, character for character.
 *
 * <p>A staging call that stages more than {@link #MAX_MUTATIONS} mutations, or more than about {@link #MAX_CHARS}
 * characters of them, is split into several batches, so no text grows without bound.
 *
 * @param id        random; a batch is told apart from every other by it, a redelivered one too
 * @param mutations unique by (time, key)
 */
record StagedBatch(long id, Hlc min, Hlc max, List<Mutation> mutations) {
    static final int MAX_MUTATIONS = 10_000;
    static final int MAX_CHARS = 16 << 20;
    /** A line's characters beyond its key and mutation: two numbers and three tabs, at most. */
    private static final int LINE_OVERHEAD = 35;

    StagedBatch {
        if (mutations.isEmpty()) {
            throw new IllegalArgumentException("a staged batch holds at least one mutation");
        }
        mutations = List.copyOf(mutations);
    }

    /** The mutations (unique by time and key) as batches of a fresh id each, split by the limits above. */
    static List<StagedBatch> of(List<Mutation> mutations) {
        return split(mutations, MAX_CHARS);
    }

    /** As {@link #of(List)}, with at most about {@code maxChars} characters a batch. */
    static List<StagedBatch> split(List<Mutation> mutations, int maxChars) {
        List<StagedBatch> batches = new ArrayList<>();
        int from = 0;
        long chars = 0;
        for (int i = 0; i < mutations.size(); i++) {
            Mutation m = mutations.get(i);
            long size = LINE_OVERHEAD + m.key().length() + m.data().map(String::length).orElse(4);
            if (i > from && (i - from == MAX_MUTATIONS || chars + size > maxChars)) {
                batches.add(of(mutations.subList(from, i), ThreadLocalRandom.current().nextLong()));
                from = i;
                chars = 0;
            }
            chars += size;
        }
        if (from < mutations.size()) {
            batches.add(of(mutations.subList(from, mutations.size()), ThreadLocalRandom.current().nextLong()));
        }
        return batches;
    }

    static StagedBatch of(List<Mutation> mutations, long id) {
        Hlc min = mutations.get(0).time();
        Hlc max = min;
        for (Mutation m : mutations) {
            min = m.time().compareTo(min) < 0 ? m.time() : min;
            max = m.time().isAfter(max) ? m.time() : max;
        }
        return new StagedBatch(id, min, max, mutations);
    }

    /** The batch's text, as described above. */
    String lines() {
        int chars = 0;
        for (Mutation m : mutations) {
            chars += LINE_OVERHEAD + m.key().length() + m.data().map(String::length).orElse(4);
        }
        StringBuilder text = new StringBuilder(chars);
        for (Mutation m : mutations) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(m.time().nanos()).append('\t').append(m.time().logical()).append('\t');
            CopyText.escape(text, m.key()).append('\t');
            CopyText.escape(text, m.data().orElse("null"));
        }
        return text.toString();
    }

    /** True when the batch's time range meets the window after {@code after} (any time when empty) up to {@code upTo}. */
    boolean overlaps(Optional<Hlc> after, Hlc upTo) {
        return (after.isEmpty() || max.isAfter(after.get())) && !min.isAfter(upTo);
    }

    /**
     * The mutation of one line of a batch's text.
     *
     * @throws IllegalArgumentException when the line is not one {@link #lines} writes
     */
    static Mutation decode(String line) {
        int logicalStart = field(line, 0) + 1;
        int keyStart = field(line, logicalStart) + 1;
        int mutStart = field(line, keyStart) + 1;
        try {
            Hlc time = new Hlc(Long.parseLong(line, 0, logicalStart - 1, 10),
                    Integer.parseInt(line, logicalStart, keyStart - 1, 10));
            // JSON null (a delete) becomes a delete in Mutation.
            return new Mutation(time, CopyText.unescape(line, keyStart, mutStart - 1),
                    Optional.of(CopyText.unescape(line, mutStart, line.length())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a staged line: the time of " + abbreviated(line), e);
        }
    }

    /** The key of a line as it is escaped there, which the server compares when it pages by key. */
    static String escapedKey(String line) {
        int keyStart = field(line, field(line, 0) + 1) + 1;
        return line.substring(keyStart, field(line, keyStart));
    }

    /** Where the field starting at {@code from} ends: the index of the tab after it. */
    private static int field(String line, int from) {
        int tab = line.indexOf('\t', from);
        if (tab < 0) {
            throw new IllegalArgumentException("not a staged line, too few fields: " + abbreviated(line));
        }
        return tab;
    }

    private static String abbreviated(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }
}
