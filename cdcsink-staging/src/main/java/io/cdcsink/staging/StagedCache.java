package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The mutations this process staged, per table, from the commit of their staging transaction until their window is
 * applied, within a memory budget. A window, read ahead or drained in its own transaction, is taken from here
 * instead of selected from the staging table when the table holds exactly as many staged rows in the window as this
 * cache does.
 *
 * <p>Why that count is enough: an entry is added only after its transaction committed, and only the window's own
 * transaction removes staged rows of a window, so every cached mutation of a window is a staged row of it; equal
 * counts then mean the same rows. When the counts differ (another instance staged part of the window, rows staged
 * before this process started, a batch that did not fit the budget) the window is read from the table as before.
 * The window's transaction checks the count again when it removes the rows ({@link SqlStager#discard},
 * {@link SqlStager#drain}).
 */
final class StagedCache {
    /** What an entry costs beyond its key and data characters (objects, map nodes), roughly. */
    private static final int ENTRY_OVERHEAD = 160;

    private final long maxBytes;
    private long bytes;
    /** Per table: by time, then by key, the last mutation staged at that time and key. */
    private final Map<TableName, NavigableMap<Hlc, Map<String, Mutation>>> tables = new HashMap<>();
    /** Per table: windows up to here are applied, so mutations at or before it are not kept. */
    private final Map<TableName, Hlc> appliedThrough = new HashMap<>();

    /** A window from the cache: the newest mutation per key, and how many (time, key) entries it held. */
    record Window(List<Mutation> newestPerKey, long entries) {
    }

    StagedCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Keeps mutations whose staging transaction committed. A mutation at the same time and key as a kept one
     * replaces it, as staging does; one that does not fit the budget is not kept (its window will not match).
     */
    synchronized void add(TableName table, List<Mutation> mutations) {
        Hlc applied = appliedThrough.get(table);
        NavigableMap<Hlc, Map<String, Mutation>> byTime = tables.computeIfAbsent(table, t -> new TreeMap<>());
        for (Mutation m : mutations) {
            if (applied != null && !m.time().isAfter(applied)) {
                continue;
            }
            long size = size(m);
            if (bytes + size > maxBytes) {
                return;
            }
            Mutation replaced = byTime.computeIfAbsent(m.time(), t -> new LinkedHashMap<>()).put(m.key(), m);
            bytes += size - (replaced == null ? 0 : size(replaced));
        }
    }

    /**
     * The kept mutations with time after {@code after} (every one when empty) and at or before {@code upTo}. Reading
     * forgets nothing: a window read ahead is read while the one before it is still being applied, perhaps from here.
     */
    synchronized Window window(TableName table, Optional<Hlc> after, Hlc upTo) {
        NavigableMap<Hlc, Map<String, Mutation>> byTime = tables.get(table);
        if (byTime == null || after.isPresent() && !upTo.isAfter(after.get())) {
            return new Window(List.of(), 0);
        }
        NavigableMap<Hlc, Map<String, Mutation>> range = after.isPresent()
                ? byTime.subMap(after.get(), false, upTo, true) : byTime.headMap(upTo, true);
        Map<String, Mutation> newest = new LinkedHashMap<>();
        long entries = 0;
        // Ascending time: a later mutation of a key replaces an earlier one.
        for (Map<String, Mutation> atTime : range.values()) {
            entries += atTime.size();
            newest.putAll(atTime);
        }
        return new Window(new ArrayList<>(newest.values()), entries);
    }

    /**
     * Forgets the table's mutations at or before {@code upTo}, and keeps none such from now on: their window was
     * removed from the staging table in a transaction now committing (or, if that fails, drained again from the
     * table). Windows another instance applies are forgotten with the next window this process applies.
     */
    synchronized void removeThrough(TableName table, Hlc upTo) {
        appliedThrough.merge(table, upTo, (a, b) -> a.isAfter(b) ? a : b);
        NavigableMap<Hlc, Map<String, Mutation>> byTime = tables.get(table);
        if (byTime == null) {
            return;
        }
        NavigableMap<Hlc, Map<String, Mutation>> done = byTime.headMap(upTo, true);
        for (Map<String, Mutation> atTime : done.values()) {
            for (Mutation m : atTime.values()) {
                bytes -= size(m);
            }
        }
        done.clear();
    }

    /** The budget in use, for tests. */
    synchronized long bytes() {
        return bytes;
    }

    private static long size(Mutation m) {
        return ENTRY_OVERHEAD + m.key().length() + m.data().map(String::length).orElse(0);
    }
}
